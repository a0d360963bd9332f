//! Channels: the same markdown, turned into what older residents actually receive besides the web
//! page — share images for WeChat groups ([`share`]) and inline-styled WeChat 公众号 articles
//! ([`wechat`]).

pub mod share;
pub mod wechat;
