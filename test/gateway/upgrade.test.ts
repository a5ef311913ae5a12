// @OnUpgrade(): a gateway decides on the handshake before the 101 (auth), sync or async.
import { afterEach, expect, test } from "bun:test";
import { Application, OnOpen, OnUpgrade, WebSocketGateway, type ServerWebSocket } from "bunwire/gateway";
import { rawHandshake, TestSocket, upgradeAttempt } from "../support/socket.ts";

const apps: Application[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

@WebSocketGateway("/rooms/:room")
class GuardedGateway {
  @OnUpgrade()
  async guard(req: Request, params: Record<string, string>) {
    const token = new URL(req.url).searchParams.get("token");
    if (token === null) return false;
    await Bun.sleep(1);
    if (token === "expired") return new Response(JSON.stringify({ error: "token expired" }), { status: 401 });
    if (token === "boom") throw new Error("token service down");
    return { data: { user: token, room: params.room }, headers: { "X-User": token } };
  }

  @OnOpen()
  open(ws: ServerWebSocket) {
    ws.send(`${ws.data.user} in ${ws.data.room}`);
  }
}

function serve(): string {
  const errors: unknown[] = [];
  const app = new Application({ port: 0, hostname: "127.0.0.1", globalRegistry: false, onError: (error) => void errors.push(error) });
  app.registerGateway(GuardedGateway);
  apps.push(app);
  return `ws://127.0.0.1:${app.listen().port}`;
}

test("false refuses with 403, a Response refuses with itself, a throw is a 500; nothing opens", async () => {
  const base = serve();
  expect((await upgradeAttempt(`${base}/rooms/a`)).status).toBe(403);
  const expired = await upgradeAttempt(`${base}/rooms/a?token=expired`);
  expect([expired.status, await expired.json()]).toEqual([401, { error: "token expired" }]);
  expect((await upgradeAttempt(`${base}/rooms/a?token=boom`)).status).toBe(500);
});

test("{ data, headers }: ws.data starts with the data, the headers ride on the 101, params are passed", async () => {
  const base = serve();
  const head = await rawHandshake(`${base}/rooms/r1?token=ada`);
  expect([head.status, head.header("x-user")]).toEqual([101, "ada"]);
  const socket = await TestSocket.open(`${base}/rooms/caf%C3%A9?token=ada`);
  expect(await socket.next()).toBe("ada in café");
  await socket.close();
});
