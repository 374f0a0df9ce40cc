// The tests and tools drive the system Chromium (see scripts/chrome.mjs); never download one.
module.exports = { skipDownload: true };
