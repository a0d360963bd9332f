//! QR codes as compact SVG (one stroked `<path>`, one horizontal line per run of dark modules), for the print
//! stylesheet of every web page and for posters.

use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::{Color, EcLevel};

/// The modules of a QR code of `data` (row-major) and its width. Uses one fixed mask pattern: choosing
/// the "best" of eight by penalty scores, as `QrCode::new` does, took 0.25 ms a code, which for a
/// page QR on each of 10,000 pages was longer than the rest of the build; any mask is valid and scans.
pub fn modules(data: &str, ec: EcLevel) -> Option<(Vec<Color>, usize)> {
    let bits = qrcode::bits::encode_auto(data.as_bytes(), ec).ok()?;
    let version = bits.version();
    let (encoded, ec_data) =
        qrcode::ec::construct_codewords(&bits.into_bytes(), version, ec).ok()?;
    let mut canvas = Canvas::new(version, ec);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&encoded, &ec_data);
    canvas.apply_mask(MaskPattern::Checkerboard);
    Some((canvas.into_colors(), version.width() as usize))
}

/// Append a non-negative number in decimal.
fn push_num(out: &mut String, n: usize) {
    if n >= 10 {
        push_num(out, n / 10);
    }
    out.push(char::from(b'0' + (n % 10) as u8));
}

/// An SVG QR code of `data` with a 4-module quiet zone, scaled by its container. `title` becomes the
/// accessible name. Returns `None` only if the data is too long for any QR version.
pub fn svg(data: &str, title: &str) -> Option<String> {
    svg_with(data, title, EcLevel::L)
}

/// The QR code of a poster: error correction level M, so that a scuffed or dirty print still scans.
pub fn svg_print(data: &str, title: &str) -> Option<String> {
    svg_with(data, title, EcLevel::M)
}

fn svg_with(data: &str, title: &str, ec: EcLevel) -> Option<String> {
    let (colors, width) = modules(data, ec)?;
    let quiet = 4;
    let size = width + 2 * quiet;
    // One stroked horizontal line per run of dark modules: absolute move at the start of a row,
    // relative moves after that (shorter numbers).
    let mut path = String::with_capacity(width * width / 2);
    for y in 0..width {
        let row = &colors[y * width..(y + 1) * width];
        let mut x = 0;
        let mut pen: Option<usize> = None;
        while x < width {
            if row[x] != Color::Dark {
                x += 1;
                continue;
            }
            let start = x;
            while x < width && row[x] == Color::Dark {
                x += 1;
            }
            // Written digit by digit (this runs for every page; `format!` was most of its cost).
            match pen {
                None => {
                    path.push('M');
                    push_num(&mut path, start + quiet);
                    path.push(' ');
                    push_num(&mut path, y + quiet);
                    path.push_str(".5h");
                }
                Some(end) => {
                    path.push('m');
                    push_num(&mut path, start - end);
                    path.push_str(" 0h");
                }
            }
            push_num(&mut path, x - start);
            pen = Some(x);
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
    /// Rasterise our SVG path (M/m/h commands, one module per unit) and decode it with rqrr.
    fn decode(svg: &str) -> String {
        let size: usize = svg
            .split("viewBox=\"0 0 ")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let d = svg
            .split(" d=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let mut grid = vec![false; size * size];
        let (mut x, mut y) = (0usize, 0usize);
        let mut rest = d;
        while !rest.is_empty() {
            let cmd = rest.as_bytes()[0];
            let end = rest[1..]
                .find(['M', 'm', 'h'])
                .map_or(rest.len(), |i| i + 1);
            let args = &rest[1..end];
            match cmd {
                b'M' => {
                    let (a, b) = args.split_once(' ').unwrap();
                    x = a.parse().unwrap();
                    y = b.trim_end_matches(".5").parse().unwrap();
                }
                b'm' => x += args.split(' ').next().unwrap().parse::<usize>().unwrap(),
                b'h' => {
                    let n: usize = args.parse().unwrap();
                    for i in x..x + n {
                        grid[y * size + i] = true;
                    }
                    x += n;
                }
                _ => unreachable!(),
            }
            rest = &rest[end..];
        }
        let scale = 4;
        let px = size * scale;
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(px, px, |cx, cy| {
            if grid[(cy / scale) * size + cx / scale] {
                0
            } else {
                255
            }
        });
        let grids = img.detect_grids();
        assert_eq!(grids.len(), 1, "one QR code found");
        grids[0].decode().unwrap().1
    }

    #[test]
    fn compact_svg_that_decodes() {
        for url in [
            "https://fangpian.example.org/tactics/baojianpin/",
            "https://example.org/cases/case-00010/",
            "https://x.org/%E4%BF%9D/",
        ] {
            let s = super::svg(url, "本页二维码").unwrap();
            assert!(s.starts_with("<svg") && s.contains("<path"));
            assert!(s.len() < 2500, "{} bytes", s.len());
            assert_eq!(decode(&s), url);
        }
    }
}
