//! The takeover time, measured (`bench/run.sh failover`): PostgreSQL, three
//! nodes and HAProxy as the cluster tests run them; a group in a meeting;
//! then, again and again, kill -9 of the group's owner and the time until a
//! member, reconnected through the balancer, has an ack from the new owner.
//! The killed node is started again at its address before the next kill.

use clap::Parser;
use rondo_tests::cluster::{connect, node, node_on, Haproxy, Postgres, LEASE_TTL_MS};
use rondo_tests::{create_group, Server};
use serde_json::json;
use std::time::{Duration, Instant};

#[derive(Parser)]
struct Args {
    /// Kills to time.
    #[arg(long, default_value_t = 20)]
    kills: usize,
}

const NAMES: [&str; 3] = ["Ana", "Bo", "Cy"];

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let pg = Postgres::start().expect("PostgreSQL is installed");
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let mut nodes: Vec<Option<Server>> = dirs
        .iter()
        .map(|d| Some(node(d.path(), &pg.url())))
        .collect();
    let addrs: Vec<_> = nodes.iter().flatten().map(|n| n.addr).collect();
    let haproxy = Haproxy::start(&addrs).expect("HAProxy is installed");
    let group = create_group(haproxy.addr, &NAMES).await;
    let mut ana = connect(haproxy.addr, &group, "Ana", None).await;
    ana.ok(json!({"type": "meeting.open"})).await;
    let mut times = Vec::new();
    for kill in 0..args.kills {
        let owner_addr = pg.owner_addr(&group);
        let owner = addrs
            .iter()
            .position(|a| a.to_string() == owner_addr)
            .expect("an owner among the nodes");
        let killed = Instant::now();
        nodes[owner].take().expect("running").kill();
        let seen = ana.last_seq();
        drop(ana);
        ana = connect(haproxy.addr, &group, "Ana", Some(seen)).await;
        ana.ok(json!({"type": "record.add", "kind": "discussion", "text": format!("after kill {kill}")}))
            .await;
        let took = killed.elapsed();
        eprintln!(
            "kill {kill}: node {owner}, first ack after {} ms",
            took.as_millis()
        );
        times.push(took);
        nodes[owner] = Some(node_on(
            dirs[owner].path(),
            &addrs[owner].to_string(),
            &pg.url(),
        ));
        // Back in the balancer (two good health checks) before the next kill.
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    times.sort();
    let ms = |d: Duration| d.as_millis();
    println!(
        "{} kills, lease TTL {LEASE_TTL_MS} ms: kill -9 to the first ack from the new owner: median {} ms, min {} ms, max {} ms",
        times.len(),
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(times[times.len() - 1]),
    );
}
