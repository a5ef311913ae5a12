// The admission contract through gateways: `@OnUpgrade()` decides.
import { Application, OnMessage, OnOpen, OnUpgrade, WebSocketGateway, type ServerWebSocket } from "bunwire/gateway";
import { admissionContract } from "./admission-contract.ts";

admissionContract("gateway", async ({ decide, handlers, options }) => {
  @WebSocketGateway("/adm/:id")
  class AdmissionGateway {
    @OnUpgrade() admit(req: Request) {
      return decide(req) as never;
    }
    @OnOpen() open(ws: ServerWebSocket) {
      return handlers.open?.(ws);
    }
    @OnMessage() message(ws: ServerWebSocket, message: string | Buffer<ArrayBuffer>) {
      return handlers.message?.(ws, message);
    }
  }
  const errors: unknown[] = [];
  const app = new Application({ ...options, globalRegistry: false, onError: (error) => void errors.push(error) });
  app.registerGateway(AdmissionGateway);
  const server = app.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
  return { url: (id) => `ws://127.0.0.1:${server.port}/adm/${id}`, errors, stop: () => app.close() };
});
