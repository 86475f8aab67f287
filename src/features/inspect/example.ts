/**
 * A genuine signed -01 L2 token from the conformance vectors (ES256, kid
 * "agent-a-key"), used by the "Example" button. Decoding only: the page does
 * not verify its signature.
 */
export const EXAMPLE_TOKEN =
  'eyJhbGciOiJFUzI1NiIsImtpZCI6ImFnZW50LWEta2V5IiwidHlwIjoiZXhlYytqd3QifQ' +
  '.eyJpc3MiOiJzcGlmZmU6Ly9leGFtcGxlLmNvbS9hZ2VudC9hIiwiYXVkIjpbInNwaWZmZTovL2V4YW1wbGUuY29tL2FnZW50L2IiLCJodHRwczovL2xlZGdlci5leGFtcGxlLmNvbSJdLCJpYXQiOjE3NjcyMjU1NDAsImV4cCI6MTc2NzIyNjE0MCwianRpIjoiNDQ2NzBkOGMtYzQ0Zi01MmJjLWI3MDYtYjVhNmNkZDA2ZmE1IiwiZXhlY19hY3QiOiJyZXZpZXdfc3BlYyIsInByZWQiOltdfQ' +
  '.GtExQqULGcHHawfdcsRNG4wlFOeRj9udD5mDGK_1EKThYqBXGwj8Vtc86R4Tk0LDGXIZ49S_hJ9EC9o4VNBtnQ';
