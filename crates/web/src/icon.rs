//! The app's icon as PNG, for phones' home screens and app launchers, which want bitmaps of
//! given sizes: drawn from the same shapes as `static/hallway.svg` (a rounded blue square with a
//! white H), so the two cannot drift apart in meaning, and encoded here rather than kept as
//! binary files.

use flate2::Compression;
use flate2::write::ZlibEncoder;
use std::io::Write;

/// The SVG's 32-unit square: corner radius, the H's three strokes and their half-width.
const UNITS: f32 = 32.0;
const CORNER: f32 = 6.0;
const STROKES: [((f32, f32), (f32, f32)); 3] = [
    ((9.0, 7.0), (9.0, 25.0)),
    ((23.0, 7.0), (23.0, 25.0)),
    ((9.0, 16.0), (23.0, 16.0)),
];
const HALF_STROKE: f32 = 2.0;
const BLUE: [u8; 3] = [0x0b, 0x5c, 0xad];
const WHITE: [u8; 3] = [0xff, 0xff, 0xff];
/// Samples per pixel along each axis, for smooth edges.
const SUPERSAMPLE: u32 = 4;

/// Which colour a point of the 32-unit square has, if any (None: transparent).
fn colour_at(x: f32, y: f32) -> Option<[u8; 3]> {
    // Inside the rounded square: the distance to the inner rectangle is at most the radius.
    let dx = (CORNER - x).max(x - (UNITS - CORNER)).max(0.0);
    let dy = (CORNER - y).max(y - (UNITS - CORNER)).max(0.0);
    if dx * dx + dy * dy > CORNER * CORNER {
        return None;
    }
    let on_stroke = STROKES.iter().any(|&((x0, y0), (x1, y1))| {
        // Distance to a segment with round caps.
        let (vx, vy) = (x1 - x0, y1 - y0);
        let t = (((x - x0) * vx + (y - y0) * vy) / (vx * vx + vy * vy)).clamp(0.0, 1.0);
        let (px, py) = (x0 + t * vx - x, y0 + t * vy - y);
        px * px + py * py <= HALF_STROKE * HALF_STROKE
    });
    Some(if on_stroke { WHITE } else { BLUE })
}

/// RGBA pixels of the icon at `size` × `size`.
fn pixels(size: u32) -> Vec<u8> {
    let mut out = Vec::with_capacity((size * size * 4) as usize);
    let samples = (SUPERSAMPLE * SUPERSAMPLE) as f32;
    for row in 0..size {
        for col in 0..size {
            let (mut rgb, mut covered) = ([0.0f32; 3], 0.0f32);
            for sy in 0..SUPERSAMPLE {
                for sx in 0..SUPERSAMPLE {
                    let at = |p: u32, s: u32| {
                        (p as f32 + (s as f32 + 0.5) / SUPERSAMPLE as f32) * UNITS / size as f32
                    };
                    if let Some(c) = colour_at(at(col, sx), at(row, sy)) {
                        covered += 1.0;
                        for (sum, v) in rgb.iter_mut().zip(c) {
                            *sum += f32::from(v);
                        }
                    }
                }
            }
            if covered == 0.0 {
                out.extend([0, 0, 0, 0]);
            } else {
                out.extend(rgb.map(|sum| (sum / covered).round() as u8));
                out.push((covered / samples * 255.0).round() as u8);
            }
        }
    }
    out
}

fn chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    png.extend((data.len() as u32).to_be_bytes());
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(data);
    png.extend(kind);
    png.extend(data);
    png.extend(crc.sum().to_be_bytes());
}

/// The icon at `size` × `size` pixels as a PNG file.
pub fn png(size: u32) -> Vec<u8> {
    let rgba = pixels(size);
    // Each row starts with its filter type (0: none).
    let mut raw = Vec::with_capacity(rgba.len() + size as usize);
    for row in rgba.chunks(size as usize * 4) {
        raw.push(0);
        raw.extend(row);
    }
    let mut z = ZlibEncoder::new(Vec::new(), Compression::best());
    z.write_all(&raw).expect("writing to a Vec cannot fail");
    let idat = z.finish().expect("writing to a Vec cannot fail");

    let mut header = Vec::with_capacity(13);
    header.extend(size.to_be_bytes());
    header.extend(size.to_be_bytes());
    // 8 bits per channel, RGBA, deflate, no filter method variants, not interlaced.
    header.extend([8, 6, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut png, b"IHDR", &header);
    chunk(&mut png, b"IDAT", &idat);
    chunk(&mut png, b"IEND", &[]);
    png
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_corners_are_transparent_and_the_h_is_white_on_blue() {
        let size = 64;
        let px = pixels(size);
        let at = |x: u32, y: u32| &px[((y * size + x) * 4) as usize..][..4];
        assert_eq!(at(0, 0)[3], 0, "outside the rounded corner");
        assert_eq!(
            at(32, 6),
            [BLUE[0], BLUE[1], BLUE[2], 255],
            "above the crossbar"
        );
        assert_eq!(at(18, 50), [255, 255, 255, 255], "on the left stroke");
        assert_eq!(at(32, 32), [255, 255, 255, 255], "on the crossbar");
    }

    #[test]
    fn a_png_with_its_size_in_the_header() {
        let png = png(192);
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&png[12..16], b"IHDR");
        assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 192);
        assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), 192);
        assert!(png.ends_with(&[0xae, 0x42, 0x60, 0x82]), "IEND's CRC");
    }
}
