//! QR codes as compact SVG (one stroked `<path>`, one horizontal line per run of dark modules), for the print
//! stylesheet of every web page and for posters.

use qrcode::{EcLevel, QrCode};

/// An SVG QR code of `data` with a 4-module quiet zone, scaled by its container. `title` becomes the
/// accessible name. Returns `None` only if the data is too long for any QR version.
pub fn svg(data: &str, title: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M).ok()?;
    let width = code.width();
    let colors = code.to_colors();
    let quiet = 4;
    let size = width + 2 * quiet;
    let mut path = String::with_capacity(width * width);
    for y in 0..width {
        let mut x = 0;
        while x < width {
            if colors[y * width + x] == qrcode::Color::Dark {
                let start = x;
                while x < width && colors[y * width + x] == qrcode::Color::Dark {
                    x += 1;
                }
                path.push_str(&format!("M{} {}.5h{}", start + quiet, y + quiet, x - start));
            } else {
                x += 1;
            }
        }
    }
    let title = title
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" role=\"img\" aria-label=\"{title}\" shape-rendering=\"crispEdges\"><title>{title}</title><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path stroke=\"#000\" d=\"{path}\"/></svg>"
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn compact_svg() {
        let s = super::svg(
            "https://fangpian.example.org/tactics/baojianpin/",
            "本页二维码",
        )
        .unwrap();
        assert!(s.starts_with("<svg") && s.contains("<path"));
        assert!(s.len() < 4000, "{} bytes", s.len());
    }
}
