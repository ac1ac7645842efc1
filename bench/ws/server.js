// The Node side of bench/ws/run.sh, the same as echo.snow with the npm
// package `ws`: every connection joins the room; "fan <text>" goes to
// every member, anything else is echoed back.
const { WebSocketServer } = require("ws");

const room = new Set();
const wss = new WebSocketServer({ host: "127.0.0.1", port: Number(process.env.PORT) });
wss.on("connection", (ws) => {
  room.add(ws);
  ws.on("message", (data, isBinary) => {
    const text = data.toString();
    if (text.startsWith("fan ")) {
      for (const m of room) m.send(text);
    } else {
      ws.send(text);
    }
  });
  ws.on("close", () => room.delete(ws));
});
wss.on("listening", () => console.error("listening"));
