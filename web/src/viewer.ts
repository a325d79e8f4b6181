import { createContext, useContext } from 'react';
import { graphql } from './generated';
import type { ConsoleViewerQuery } from './generated/graphql';

/** Who is signed in, as the API answers `viewer` (types generated from the schema). */
export type Viewer = ConsoleViewerQuery['viewer'];

export const VIEWER_QUERY = graphql(`
  query ConsoleViewer {
    viewer {
      actorType
      role
      organization {
        id
        name
        kind
        country
      }
      user {
        name
        email
      }
    }
  }
`);

export const ViewerContext = createContext<Viewer | null>(null);

export function useViewer(): Viewer {
  const viewer = useContext(ViewerContext);
  if (!viewer) throw new Error('no viewer');
  return viewer;
}

export const isVendor = (v: Viewer) => v.organization.kind === 'VENDOR';
export const isDistributor = (v: Viewer) => v.organization.kind === 'DISTRIBUTOR';
