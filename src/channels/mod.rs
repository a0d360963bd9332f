//! Channel versions of tactics and alerts for the ways older residents are reached besides the web:
//! the SMS text (`sms`, one 70-character segment with the signature) and the loudspeaker script
//! (广播稿), computed once per page at load time (`texts`, [`Channels`]); their files (`files`) and the
//! 宣传物料 page's value (`materials`); share images for WeChat groups ([`share`]) and inline-styled
//! WeChat 公众号 articles ([`wechat`]). Owns `[channels]` of `site.toml` and the `sms`, `jingle` and
//! `broadcast` front-matter keys.

use crate::content::Page;
use crate::diag::{Diagnostic, codes};
use crate::toml_read::{Doc, Sp, Table};

pub mod broadcast;
mod files;
pub mod materials;
pub mod share;
pub mod sms;
mod texts;
pub mod wechat;

pub use files::write;
pub use texts::{Channels, PageTexts, compute, page_texts};

/// The 宣传物料 page.
pub const MATERIALS: &str = "/materials/";
/// Every SMS text, for bulk-SMS platforms (UTF-8 with BOM, CRLF).
pub const SMS_CSV: &str = "/materials/sms.csv";
/// A page's loudspeaker script, inside its folder.
pub const SCRIPT_FILE: &str = "guangbo.txt";

/// `[channels]` of `site.toml`.
#[derive(Clone, Debug)]
pub struct ChannelsConfig {
    /// `【…】` (from `sms_signature`, brackets added), or empty when none is set.
    pub sms_signature: String,
    /// `share_images`: the kinds of page that get a share image (tactics and alerts by default).
    pub share_images: Vec<crate::frontmatter::Kind>,
}

impl Default for ChannelsConfig {
    fn default() -> Self {
        ChannelsConfig {
            sms_signature: String::new(),
            share_images: share::DEFAULT_KINDS.to_vec(),
        }
    }
}

/// Longest signature carriers register (they allow 2–12 characters between the brackets… some 16).
const SIGNATURE_MAX: usize = 16;

/// Parse `[channels]`: `sms_signature = "防骗守护"` (with or without 【】) and
/// `share_images = ["tactic", "alert"]`.
pub fn parse_config(doc: &Doc<'_>, t: &Table, errs: &mut Vec<Diagnostic>) -> ChannelsConfig {
    let mut config = ChannelsConfig::default();
    let Some(c) = t.opt_table("channels", errs) else {
        return config;
    };
    c.check_keys(&["sms_signature", "share_images"], "[channels]", errs);
    config.share_images = share::parse_kinds(doc, &c, errs);
    let Some(sig) = c.opt_sp_str("sms_signature", errs) else {
        return config;
    };
    let name = sig
        .value
        .trim()
        .trim_start_matches(['【', '['])
        .trim_end_matches(['】', ']'])
        .trim();
    let n = name.chars().count();
    if n == 0 || n > SIGNATURE_MAX {
        let problem = if n == 0 {
            "是空的".to_string()
        } else {
            format!("有 {n} 个字，太长了")
        };
        errs.push(
            Diagnostic::error(codes::SMS_SIGNATURE, format!("短信签名 {problem}"))
                .at(doc.file, doc.source, sig.span.clone())
                .label("sms_signature")
                .hint(format!("写在短信平台报备过的签名（不超过 {SIGNATURE_MAX} 个字，括号【】可写可不写），例如 sms_signature = \"某某街道反诈\"；不需要签名就删掉这一行")),
        );
        return config;
    }
    config.sms_signature = format!("【{name}】");
    config
}

/// The channel keys of a tactic's or alert's front matter.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChannelFields {
    /// The SMS text as written (without the signature); drafted from the description when absent.
    pub sms: Option<Sp<String>>,
    /// A 顺口溜 read in the loudspeaker script.
    pub jingle: Option<Sp<String>>,
    /// The whole loudspeaker script, replacing the generated one.
    pub broadcast: Option<Sp<String>>,
}

/// Read `sms`, `jingle` and `broadcast`.
pub fn parse_fields(t: &Table, errs: &mut Vec<Diagnostic>) -> ChannelFields {
    ChannelFields {
        sms: t.opt_sp_str("sms", errs),
        jingle: t.opt_sp_str("jingle", errs),
        broadcast: t.opt_sp_str("broadcast", errs),
    }
}

/// The URL of page `p`'s loudspeaker script.
pub fn script_path(p: &Page) -> String {
    format!("{}{SCRIPT_FILE}", p.path)
}

/// The anchor of a page's entry on the 宣传物料 page: its URL path with `-` for `/`.
pub fn anchor(p: &Page) -> String {
    p.path.trim_matches('/').replace('/', "-")
}
