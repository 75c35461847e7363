//! The AsyncAPI 3 document of `/ws` (`protocol/schema/asyncapi.json`): one
//! channel with the WebSockets binding, and every frame by reference to its
//! published JSON Schema, so the two cannot say different things. Made here
//! from the same list of schemas the wire types generate, and checked for
//! drift; `RONDO_WRITE_SCHEMA=1` writes it anew. CI also validates it with
//! the AsyncAPI parser (`tests/asyncapi-check.mjs`).

use rondo_protocol::schema::schemas;
use serde_json::{json, Map, Value};
use std::path::PathBuf;

/// The frames of `/ws`, by their schema file: who sends each, and what it is.
const FRAMES: &[(&str, &str, &str)] = &[
    (
        "hello.json",
        "client",
        "The first frame: the member's token, and where to resume from.",
    ),
    (
        "command.json",
        "client",
        "A command, with the id its reply answers.",
    ),
    (
        "welcome.json",
        "server",
        "The meeting as the member may see it, after hello and after each new agreement accepted.",
    ),
    (
        "welcome-display.json",
        "server",
        "A room display's welcome: the meeting as a screen across the room may show it, nothing confidential.",
    ),
    (
        "event.json",
        "server",
        "What happened, with its seq; sent only to the members it is addressed to, once durable.",
    ),
    (
        "reply.json",
        "server",
        "The answer to a command (ack or error), or an error for a frame that could not be read.",
    ),
];

fn asyncapi() -> Value {
    let published: Vec<&str> = schemas().iter().map(|(file, _)| *file).collect();
    let mut messages = Map::new();
    let (mut from_client, mut from_server) = (Vec::new(), Vec::new());
    for (file, sender, summary) in FRAMES {
        assert!(published.contains(file), "{file} is not a published schema");
        let name = file.trim_end_matches(".json");
        messages.insert(
            name.into(),
            json!({
                "name": name,
                "summary": summary,
                "contentType": "application/json",
                "payload": {"$ref": format!("./{file}")},
            }),
        );
        let reference = json!({"$ref": format!("#/channels/ws/messages/{name}")});
        if *sender == "client" {
            from_client.push(reference);
        } else {
            from_server.push(reference);
        }
    }
    json!({
        "asyncapi": "3.0.0",
        "info": {
            "title": "Rondo websocket API",
            "version": "1",
            "description": "The turn-taking of a peer supervision meeting over one websocket. \
                Text frames of JSON, at most 64 KiB; the subprotocol is rondo.v1. \
                protocol/README.md describes every frame and rule.",
            "license": {"name": "AGPL-3.0-or-later"},
        },
        "defaultContentType": "application/json",
        "servers": {
            "local": {
                "host": "127.0.0.1:8080",
                "protocol": "ws",
                "description": "rondo serve's default address; behind TLS, wss on the proxy's host.",
            },
        },
        "channels": {
            "ws": {
                "address": "/ws",
                "title": "A member's connection",
                "messages": messages,
                "bindings": {
                    "ws": {
                        "method": "GET",
                        "query": {
                            "type": "object",
                            "properties": {
                                "g": {
                                    "type": "string",
                                    "description": "The group's id: the balancer's routing key, never the token.",
                                },
                            },
                        },
                        "headers": {
                            "type": "object",
                            "properties": {
                                "Sec-WebSocket-Protocol": {"type": "string", "const": "rondo.v1"},
                            },
                        },
                        "bindingVersion": "0.1.0",
                    },
                },
            },
        },
        "operations": {
            "receiveFromMember": {
                "action": "receive",
                "channel": {"$ref": "#/channels/ws"},
                "summary": "What a member's client sends: hello first, then commands.",
                "messages": from_client,
            },
            "sendToMember": {
                "action": "send",
                "channel": {"$ref": "#/channels/ws"},
                "summary": "What the server sends a member: the welcome, events and replies.",
                "messages": from_server,
            },
        },
    })
}

#[test]
fn the_published_asyncapi_document_matches_the_frames_and_their_schemas() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../protocol/schema/asyncapi.json");
    let generated = serde_json::to_string_pretty(&asyncapi()).unwrap() + "\n";
    if std::env::var_os("RONDO_WRITE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let published =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        published == generated,
        "asyncapi.json is out of date: run RONDO_WRITE_SCHEMA=1 cargo test -p rondo-tests --test asyncapi"
    );
    // Every websocket frame's schema is in it: a new frame type cannot be
    // published without its message.
    for (file, _) in schemas() {
        assert!(
            file.starts_with("api-") || FRAMES.iter().any(|(f, _, _)| *f == file),
            "{file} has no message in asyncapi.json"
        );
    }
}
