// WGSL sources are imported as strings through vite's `?raw` suffix and inlined into the bundle.
declare module '*.wgsl?raw' {
  const source: string;
  export default source;
}
