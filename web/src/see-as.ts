import { createContext } from 'react';
import type { SeeAsTarget } from './api';

/** Set inside the "See as" page's view of an organization: every query of the pages within runs with its headers. */
export const SeeAsContext = createContext<SeeAsTarget | null>(null);
