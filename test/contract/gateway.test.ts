// The engine contract through the gateway front door: a @WebSocketGateway class whose decorated methods call
// the contract's handlers, served by `new Application()`.
import { Application, OnClose, OnError, OnMessage, OnOpen, OnPong, WebSocketGateway, type ServerWebSocket } from "bunwire/gateway";
import type { SocketHandlers } from "../../src/engine/index.ts";
import { engineContract } from "./engine-contract.ts";

function gatewayFor(handlers: SocketHandlers<any>) {
  @WebSocketGateway("/contract/:id")
  class ContractGateway {
    @OnOpen() open(ws: ServerWebSocket) {
      return handlers.open?.(ws);
    }
    @OnMessage() message(ws: ServerWebSocket, message: string | Buffer<ArrayBuffer>) {
      return handlers.message?.(ws, message);
    }
    @OnClose() close(ws: ServerWebSocket, code: number, reason: string) {
      return handlers.close?.(ws, code, reason);
    }
    @OnPong() pong(ws: ServerWebSocket, data: Buffer<ArrayBuffer>) {
      return handlers.pong?.(ws, data);
    }
  }
  if (handlers.error === undefined) return ContractGateway;
  @WebSocketGateway("/contract/:id")
  class ContractGatewayWithErrors extends ContractGateway {
    @OnError() error(ws: ServerWebSocket, error: unknown) {
      return handlers.error?.(ws, error);
    }
  }
  return ContractGatewayWithErrors;
}

engineContract("gateway", async (handlers, options) => {
  const errors: unknown[] = [];
  const app = new Application({ port: 0, hostname: "127.0.0.1", websocket: options.websocket, globalRegistry: false, onError: (error) => void errors.push(error) });
  app.registerGateway(gatewayFor(handlers));
  const server = await app.listen();
  return {
    url: `ws://127.0.0.1:${server.port}/contract/1`,
    publish: (topic, data) => app.publish(topic, data),
    subscriberCount: (topic) => app.subscriberCount(topic),
    errors,
    stop: () => app.close(),
  };
});
