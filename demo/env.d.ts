// Vite's client types (CSS imports, `?url` assets) for the demo site and the bench's page code.
/// <reference types="vite/client" />
