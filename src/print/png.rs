//! PNG files of rendered pages (share images and print previews). Cards and posters are flat
//! artwork: a few fills, black and white, and the anti-aliased edges of text, together a few hundred
//! colours. Such a page is written as a palette image: its 256 most used colours exactly, every
//! rarer edge shade as the nearest of them. That is about 2.5 times smaller than true colour and
//! several times faster to compress. A page with many colours (a photo) stays true colour, so
//! nothing is ever posterized.

use rustc_hash::FxHashMap;

/// The encoding's name in the print and share caches' keys: a cached picture is used only if it was
/// written the way this version writes it.
pub const FORMAT: &str = "png palette of the 256 most used colours, true colour above 4096";

/// Pages with more distinct colours than this are kept in true colour.
const MAX_FLAT_COLOURS: usize = 4096;

/// A PNG of `width` × `height` non-premultiplied RGBA pixels.
pub fn encode(rgba: &[u8], width: u32, height: u32) -> Result<Vec<u8>, png::EncodingError> {
    let pixels: Vec<u32> = rgba
        .chunks_exact(4)
        .map(|p| u32::from_be_bytes([p[0], p[1], p[2], p[3]]))
        .collect();
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_depth(png::BitDepth::Eight);
    match palette_of(&pixels) {
        Some((palette, index)) => {
            encoder.set_color(png::ColorType::Indexed);
            let rgb: Vec<u8> = palette
                .iter()
                .flat_map(|c| {
                    let [r, g, b, _] = c.to_be_bytes();
                    [r, g, b]
                })
                .collect();
            encoder.set_palette(rgb);
            let alpha: Vec<u8> = palette.iter().map(|c| c.to_be_bytes()[3]).collect();
            if alpha.iter().any(|&a| a != 255) {
                encoder.set_trns(alpha);
            }
            // Looked up once per run of one colour.
            let mut last: (Option<u32>, u8) = (None, 0);
            let data: Vec<u8> = pixels
                .iter()
                .map(|&c| {
                    if last.0 != Some(c) {
                        last = (Some(c), index.get(&c).copied().unwrap_or(0));
                    }
                    last.1
                })
                .collect();
            encoder.write_header()?.write_image_data(&data)?;
        }
        None => {
            encoder.set_color(png::ColorType::Rgba);
            encoder.write_header()?.write_image_data(rgba)?;
        }
    }
    Ok(out)
}

/// The palette (most used first) and each colour's index in it, or `None` for a page with too many
/// colours for a palette.
fn palette_of(pixels: &[u32]) -> Option<(Vec<u32>, FxHashMap<u32, u8>)> {
    let mut counts: FxHashMap<u32, u32> = FxHashMap::default();
    // Runs of one colour are counted at once: most of a flat page is long runs.
    let mut at = 0;
    while at < pixels.len() {
        let c = pixels[at];
        let run = pixels[at..].iter().take_while(|&&p| p == c).count();
        *counts.entry(c).or_insert(0) += run as u32;
        if counts.len() > MAX_FLAT_COLOURS {
            return None;
        }
        at += run;
    }
    let mut by_use: Vec<(u32, u32)> = counts.into_iter().collect();
    by_use.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let palette: Vec<u32> = by_use.iter().take(256).map(|&(c, _)| c).collect();
    let index = by_use
        .iter()
        .map(|&(c, _)| (c, nearest(&palette, c)))
        .collect();
    Some((palette, index))
}

/// The index of the palette colour closest to `c` (RGBA distance; the first of equals).
fn nearest(palette: &[u32], c: u32) -> u8 {
    let dist = |p: u32| -> u32 {
        let (a, b) = (p.to_be_bytes(), c.to_be_bytes());
        a.iter()
            .zip(b)
            .map(|(&x, y)| (i32::from(x) - i32::from(y)).pow(2) as u32)
            .sum()
    };
    (0..palette.len())
        .min_by_key(|&i| (dist(palette[i]), i))
        .map_or(0, |i| i as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(png: &[u8]) -> (png::ColorType, Vec<u8>) {
        let mut decoder = png::Decoder::new(std::io::Cursor::new(png));
        // Always RGBA back, whatever the file stores.
        decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::ALPHA);
        let mut reader = decoder.read_info().unwrap();
        let colour = reader.info().color_type;
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        buf.truncate(info.buffer_size());
        (colour, buf)
    }

    fn image(colours: impl Fn(usize) -> [u8; 4], n: usize) -> Vec<u8> {
        (0..n).flat_map(colours).collect()
    }

    #[test]
    fn flat_pages_are_exact_palette_images() {
        // Red, white, black and a grey edge: every pixel comes back exactly.
        let rgba = image(
            |i| match i % 7 {
                0..=2 => [200, 16, 46, 255],
                3 | 4 => [255, 255, 255, 255],
                5 => [0, 0, 0, 255],
                _ => [128, 128, 128, 255],
            },
            70 * 10,
        );
        let (colour, back) = decode(&encode(&rgba, 70, 10).unwrap());
        assert_eq!(colour, png::ColorType::Indexed);
        assert!(back == rgba, "pixels changed");
    }

    #[test]
    fn rare_shades_become_the_nearest_used_colour() {
        // 300 colours: the 256 most used stay exact, the rest move to a near one.
        let rgba = image(
            |i| {
                let shade = if i < 256 * 4 { i / 4 } else { 256 + i % 44 };
                [shade as u8, (shade / 2) as u8, 0, 255]
            },
            256 * 4 + 44,
        );
        let (colour, back) = decode(&encode(&rgba, 1068, 1).unwrap());
        assert_eq!(colour, png::ColorType::Indexed);
        assert!(back[..256 * 16] == rgba[..256 * 16], "used colours changed");
        for (a, b) in back.iter().zip(&rgba) {
            assert!(a.abs_diff(*b) <= 128, "{a} far from {b}");
        }
    }

    #[test]
    fn photos_stay_true_colour() {
        let rgba = image(
            |i| [(i % 251) as u8, (i / 251 % 256) as u8, (i % 13) as u8, 255],
            100_000,
        );
        let (colour, back) = decode(&encode(&rgba, 1000, 100).unwrap());
        assert_eq!(colour, png::ColorType::Rgba);
        assert!(back == rgba, "pixels changed");
    }
}
