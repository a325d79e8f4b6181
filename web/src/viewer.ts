import { createContext, useContext } from 'react';

export interface Viewer {
  actorType: string;
  role: string;
  organization: { id: string; name: string; kind: string; country: string };
  user: { name: string | null; email: string | null } | null;
}

export const VIEWER_QUERY = `query ConsoleViewer { viewer { actorType role organization { id name kind country } user { name email } } }`;

export const ViewerContext = createContext<Viewer | null>(null);

export function useViewer(): Viewer {
  const viewer = useContext(ViewerContext);
  if (!viewer) throw new Error('no viewer');
  return viewer;
}

export const isVendor = (v: Viewer) => v.organization.kind === 'VENDOR';
export const isDistributor = (v: Viewer) => v.organization.kind === 'DISTRIBUTOR';
