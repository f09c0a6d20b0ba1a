// Opens the upload form that `s3presign post --output html` made, chooses a file and submits,
// as a person would. Prints {"status": N} with the HTTP status of the form's response.
// Usage: node upload.mjs FORM.html FILE PROFILE_DIR
import { chromium } from 'playwright-core';
import { pathToFileURL } from 'node:url';

const [formPath, filePath, profileDir] = process.argv.slice(2);
const context = await chromium.launchPersistentContext(profileDir, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await context.newPage();
  await page.goto(pathToFileURL(formPath).href);
  await page.setInputFiles('input[type=file]', filePath);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST', { timeout: 20000 }),
    page.click('input[type=submit]'),
  ]);
  console.log(JSON.stringify({ status: response.status() }));
} finally {
  await context.close();
}
