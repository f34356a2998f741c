// Headless check of the interactive API reference: it renders every operation, works (an
// authorised "Try it out" call succeeds) and makes no request off loopback.
//
//   node tests/browser/check-docs.mjs http://127.0.0.1:8080 <token> [screenshot.png]

import { chromium } from "playwright-core";

const [base, token, screenshot] = process.argv.slice(2);
if (!base || !token) {
  console.error("usage: check-docs.mjs <base-url> <token> [screenshot.png]");
  process.exit(2);
}

const loopback = new Set(["127.0.0.1", "localhost", "[::1]"]);
const offLoopback = [];
const failures = [];

const spec = await (await fetch(`${base}/openapi.json`)).json();
const operations = Object.values(spec.paths).reduce(
  (n, item) => n + Object.keys(item).filter((k) => ["get", "put", "post", "patch", "delete"].includes(k)).length,
  0,
);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
try {
  const page = await browser.newPage();
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (!["data:", "blob:"].includes(url.protocol) && !loopback.has(url.hostname)) {
      offLoopback.push(request.url());
    }
  });
  page.on("pageerror", (error) => failures.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") failures.push(`console error: ${message.text()}`);
  });

  await page.goto(`${base}/docs/`, { waitUntil: "networkidle" });
  await page.waitForSelector(".opblock", { timeout: 15000 });
  const rendered = await page.locator(".opblock").count();
  if (rendered !== operations) failures.push(`rendered ${rendered} operations, the spec has ${operations}`);

  // Authorise with the bearer token, then call "list competencies" through the page.
  await page.click("button.authorize");
  await page.fill(".modal-ux input[type=text], .modal-ux input[type=password]", token);
  await page.click(".modal-ux button.authorize");
  await page.click(".modal-ux button.btn-done");

  const operation = page.locator(".opblock-get", { hasText: "/v1/catalogs/{catalog}" }).first();
  await operation.locator(".opblock-summary").click();
  // "Try it out" is on by default (the page is configured so).
  await operation.locator("tr[data-param-name=catalog] select").selectOption("competencies");
  await operation.locator("button.execute").click();
  const status = operation.locator(".live-responses-table tr.response .response-col_status").first();
  await status.waitFor({ timeout: 15000 });
  const code = (await status.innerText()).trim();
  if (code !== "200") failures.push(`"Try it out" answered ${code}, expected 200`);
  const body = await operation.locator(".live-responses-table tr.response .response-col_description").first().innerText();
  if (!body.includes("communication")) failures.push("the live response does not show the default competencies");

  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
} finally {
  await browser.close();
}

if (offLoopback.length) failures.push(`requests off loopback: ${offLoopback.join(", ")}`);
if (failures.length) {
  console.error(`docs page check FAILED:\n  ${failures.join("\n  ")}`);
  process.exit(1);
}
console.log(`docs page check passed: ${operations} operations rendered, "Try it out" works, no request off loopback`);
