// The harness's own name and version, for reports and User-Agent headers.
export const ZERODROP_VERSION = '0.1.0';
