//! Every close code the server sends, in one place (RFC 6455 §7.4 and the
//! protocol's own 4xxx codes).

/// The server is shutting down, or the client stopped answering pings.
pub const GOING_AWAY: u16 = 1001;
/// A websocket protocol error (RFC 6455 §7.4.1).
pub const PROTOCOL_ERROR: u16 = 1002;
/// A text frame that is not valid UTF-8.
pub const INVALID_UTF8: u16 = 1007;
/// Sustained abuse, such as a flood past the rate limit.
pub const POLICY: u16 = 1008;
/// A frame or message over the size limit.
pub const TOO_LARGE: u16 = 1009;
/// A client too slow to keep up; it may resume.
pub const TOO_SLOW: u16 = 4008;
/// No valid `hello`, or the link was replaced by a new one.
pub const UNAUTHORIZED: u16 = 4401;
/// Not (or no longer) a member of the group.
pub const NOT_A_MEMBER: u16 = 4403;
/// No `hello` in time.
pub const HELLO_TIMEOUT: u16 = 4408;
/// The group moved to another node (several nodes): reconnect and resume.
pub const MOVED: u16 = 4503;
