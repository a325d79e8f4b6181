/**
 * Characters that no name, host id, operating system or address part may hold: the C0 and C1
 * controls and DEL (NUL, BEL, newlines: they break logs, CSV exports and terminals), and the
 * invisible ones that reorder or hide text when it is shown (bidi marks, embeddings, overrides
 * and isolates, line and paragraph separators): "invoice\u202Efdp.exe" shows as "invoiceexe.pdf".
 */
// eslint-disable-next-line no-control-regex -- finding control characters is this pattern's purpose
export const CONTROL_RE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;
