// Starts `snowc lsp` for Snow files (the server path is the setting
// `snow.serverPath`, default `snowc` on PATH).
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("snow").get("serverPath") || "snowc";
  const server = { command, args: ["lsp"], transport: TransportKind.stdio };
  client = new LanguageClient(
    "snow",
    "Snow language server",
    { run: server, debug: server },
    { documentSelector: [{ scheme: "file", language: "snow" }] }
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
