// Takes the README's screenshot of the inspector (docs/inspector.png): the two-instance demo cluster of the
// inspector's Chromium test, some chatter for the rate chart, a search and a tail, photographed by headless Chromium.
// Run: bun scripts/inspector-screenshot.ts [out.png]   (needs redis-server and /usr/bin/chromium)

import { resolve } from "node:path";
import { launchChromium } from "../test/support/chromium.ts";
import { INSPECTOR_TOKEN, startDemoCluster } from "../test/inspector/cluster.ts";

const out = resolve(process.argv[2] ?? resolve(import.meta.dir, "../docs/inspector.png"));
const cluster = await startDemoCluster();
const browser = await launchChromium();
try {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${cluster.a.http}/_bunwire/inspector`);
  await page.fill("#token", INSPECTOR_TOKEN);
  await Promise.all([page.waitForNavigation(), page.click("form.login button")]);
  await page.waitForSelector("body[data-state=open]");

  await page.fill("#search-query", "carol");
  await page.click("#search-form button");
  await page.fill("#tail-topic", "lobby");
  await page.click("#tail-button");

  // Twenty seconds of uneven chatter, so the chart has a shape.
  const [ada, bob, carol] = cluster.sockets;
  for (let second = 0; second < 20; second++) {
    const burst = 20 + Math.round(30 * Math.abs(Math.sin(second / 3)));
    for (let i = 0; i < burst; i++) (i % 2 === 0 ? bob! : carol!).send(`message ${second}.${i}`);
    if (second % 5 === 0) cluster.b.app.publish("lobby", JSON.stringify({ from: "system", text: `tick ${second}`, token: "hidden" }));
    if (second === 12) ada!.send("boom");
    await Bun.sleep(1000);
  }
  await page.screenshot({ path: out, fullPage: true });
  console.log(`inspector screenshot: ${out}`);
} finally {
  await browser.close();
  await cluster.stop();
}
