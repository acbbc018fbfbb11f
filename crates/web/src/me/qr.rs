//! A QR code of a link, as SVG to put inline in a page.

use crate::error::WebError;
use qrcode::QrCode;
use qrcode::render::svg;

/// Dark on light whatever the page's colours, with a quiet zone, so phones read it.
pub fn svg_of(url: &str, label: &'static str) -> Result<String, WebError> {
    let code = QrCode::new(url.as_bytes())
        .map_err(|e| WebError::Internal(format!("a QR code of {} bytes: {e}", url.len())))?;
    let svg = code
        .render::<svg::Color<'_>>()
        .min_dimensions(180, 180)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .quiet_zone(true)
        .build();
    // Without the XML declaration, and named for those who cannot see it.
    let start = svg.find("<svg").unwrap_or(0);
    Ok(svg[start..].replacen(
        "<svg",
        &format!("<svg role=\"img\" aria-label=\"{label}\""),
        1,
    ))
}
