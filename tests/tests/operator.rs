//! What the operator's admin token opens (issue 22): guesses at it are
//! limited per address, and a convener's lost link can be reissued.

use rondo_tests::{http, Server};
use serde_json::{json, Value};
use std::net::{IpAddr, SocketAddr};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ADMIN: &str = "the-operators-admin-token-0123456789";

/// A bare HTTP/1.1 request from the source address `from`: its status and body.
async fn http_from(
    from: IpAddr,
    addr: SocketAddr,
    method: &str,
    path: &str,
    bearer: &str,
    body: &Value,
) -> (u16, String) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::new(from, 0)).unwrap();
    let mut stream = socket.connect(addr).await.unwrap();
    let body = body.to_string();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {bearer}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let status = response[9..12].parse().unwrap();
    let body = response
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_owned();
    (status, body)
}

fn new_group() -> Value {
    json!({"name": "Team North", "members": [{"name": "Ada"}, {"name": "Ben"}]})
}

#[tokio::test]
async fn an_address_out_of_admin_guesses_is_refused_even_the_right_token() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(dir.path(), &["--admin-token", ADMIN]);
    let guesser = IpAddr::from([127, 0, 0, 2]);
    for guess in 0..10 {
        let (status, _) = http_from(
            guesser,
            server.addr,
            "POST",
            "/api/groups",
            &format!("guess-{guess}"),
            &new_group(),
        )
        .await;
        assert_eq!(status, 401, "guess {guess}");
    }
    let (status, body) = http_from(
        guesser,
        server.addr,
        "POST",
        "/api/groups",
        "guess-10",
        &new_group(),
    )
    .await;
    assert_eq!(status, 429, "{body}");
    assert!(body.contains("rate_limited"), "{body}");
    // Out of guesses, the right token gets the same answer: nothing to learn.
    let (status, _) = http_from(
        guesser,
        server.addr,
        "POST",
        "/api/groups",
        ADMIN,
        &new_group(),
    )
    .await;
    assert_eq!(status, 429);
    // Another address, and the operator's own, are not held up by it.
    let (status, _) = http_from(
        IpAddr::from([127, 0, 0, 3]),
        server.addr,
        "POST",
        "/api/groups",
        ADMIN,
        &new_group(),
    )
    .await;
    assert_eq!(status, 201);
    let (status, _) = http(
        server.addr,
        "POST",
        "/api/groups",
        Some(ADMIN),
        Some(&new_group()),
    )
    .await;
    assert_eq!(status, 201);
}

#[tokio::test]
async fn a_convener_link_is_reissued_by_the_convener_or_the_operator() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(dir.path(), &["--admin-token", ADMIN]);
    let (status, body) = http(
        server.addr,
        "POST",
        "/api/groups",
        Some(ADMIN),
        Some(&new_group()),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let created: Value = serde_json::from_str(&body).unwrap();
    let group_id = created["group_id"].as_str().unwrap();
    let first = created["convener_token"].as_str().unwrap();
    let console = format!("/api/groups/{group_id}");
    let reissue = format!("/api/groups/{group_id}/convener/token");

    // The convener lost their link: the operator issues a new one.
    let (status, body) = http(server.addr, "POST", &reissue, Some(ADMIN), None).await;
    assert_eq!(status, 200, "{body}");
    let issued: Value = serde_json::from_str(&body).unwrap();
    let second = issued["convener_token"].as_str().unwrap();
    assert!(issued["convener_link"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/#c={second}")));
    assert_eq!(
        http(server.addr, "GET", &console, Some(first), None)
            .await
            .0,
        401
    );
    assert_eq!(
        http(server.addr, "GET", &console, Some(second), None)
            .await
            .0,
        200
    );

    // The convener replaces their own; the one before stops working.
    let (status, body) = http(server.addr, "POST", &reissue, Some(second), None).await;
    assert_eq!(status, 200, "{body}");
    let third: Value = serde_json::from_str(&body).unwrap();
    let third = third["convener_token"].as_str().unwrap();
    assert_eq!(
        http(server.addr, "GET", &console, Some(second), None)
            .await
            .0,
        401
    );
    assert_eq!(
        http(server.addr, "GET", &console, Some(third), None)
            .await
            .0,
        200
    );

    // A member cannot, nor a stranger; an unknown group is not found.
    let member = created["members"][0]["token"].as_str().unwrap();
    assert_eq!(
        http(server.addr, "POST", &reissue, Some(member), None)
            .await
            .0,
        403
    );
    assert_eq!(
        http(server.addr, "POST", &reissue, Some("nobody"), None)
            .await
            .0,
        401
    );
    let unknown = "/api/groups/00000000-0000-0000-0000-000000000000/convener/token";
    assert_eq!(
        http(server.addr, "POST", unknown, Some(ADMIN), None)
            .await
            .0,
        404
    );
    assert_eq!(
        http(server.addr, "GET", &console, Some(third), None)
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn groups_max_bounds_the_groups_of_every_node_together() {
    use rondo_tests::cluster::{self, Postgres};
    let Some(postgres) = Postgres::start() else {
        return;
    };
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let limit = ["--groups-max", "2"];
    let a = cluster::node_with(dirs[0].path(), &postgres.url(), &limit);
    let b = cluster::node_with(dirs[1].path(), &postgres.url(), &limit);
    assert_eq!(
        http(a.addr, "POST", "/api/groups", None, Some(&new_group()))
            .await
            .0,
        201
    );
    assert_eq!(
        http(b.addr, "POST", "/api/groups", None, Some(&new_group()))
            .await
            .0,
        201
    );
    // Two groups in the store, however few either node serves: the most allowed.
    let (status, body) = http(a.addr, "POST", "/api/groups", None, Some(&new_group())).await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(
        http(b.addr, "POST", "/api/groups", None, Some(&new_group()))
            .await
            .0,
        429
    );
}
