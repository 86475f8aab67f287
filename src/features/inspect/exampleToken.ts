/**
 * The static example (no imports, so Node-side tests can use it too).
 */

/**
 * A genuine signed -01 L2 token from the conformance vectors (ES256, kid
 * "agent-a-key"), issued 2025-12-31T23:59:00Z and expired at 2026-01-01T00:09:00Z.
 */
export const EXAMPLE_TOKEN =
  'eyJhbGciOiJFUzI1NiIsImtpZCI6ImFnZW50LWEta2V5IiwidHlwIjoiZXhlYytqd3QifQ' +
  '.eyJpc3MiOiJzcGlmZmU6Ly9leGFtcGxlLmNvbS9hZ2VudC9hIiwiYXVkIjpbInNwaWZmZTovL2V4YW1wbGUuY29tL2FnZW50L2IiLCJodHRwczovL2xlZGdlci5leGFtcGxlLmNvbSJdLCJpYXQiOjE3NjcyMjU1NDAsImV4cCI6MTc2NzIyNjE0MCwianRpIjoiNDQ2NzBkOGMtYzQ0Zi01MmJjLWI3MDYtYjVhNmNkZDA2ZmE1IiwiZXhlY19hY3QiOiJyZXZpZXdfc3BlYyIsInByZWQiOltdfQ' +
  '.GtExQqULGcHHawfdcsRNG4wlFOeRj9udD5mDGK_1EKThYqBXGwj8Vtc86R4Tk0LDGXIZ49S_hJ9EC9o4VNBtnQ';

/** A moment inside the static example's validity window: 2026-01-01T00:00:00Z. */
export const EXAMPLE_VALID_AT = 1767225600;
