// Starts `tripline server` for nginx, zone and PEM files: diagnostics,
// quick fixes and rule docs on hover come from the server.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("tripline").get("path", "tripline");
  client = new LanguageClient(
    "tripline",
    "tripline",
    { command, args: ["server"] },
    {
      documentSelector: ["nginx", "dns-zone", "pem"].map((language) => ({ scheme: "file", language })),
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/tripline.toml") },
    }
  );
  context.subscriptions.push(client);
  client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
