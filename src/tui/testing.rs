//! What the views' unit tests share: a drawn buffer read back as text.

use ratatui::buffer::Buffer;

/// `buffer` as the operator reads it: one line per row, trailing spaces
/// cut.
pub fn text_of(buffer: &Buffer) -> String {
    (0..buffer.area.height)
        .map(|y| {
            (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
                .trim_end()
                .to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}
