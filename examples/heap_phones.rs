//! Formats the numbers given, for heaptrack.
fn main() {
    for n in std::env::args().skip(1) {
        println!("{n} -> {}", weya_tui::domain::phone::format_number(&n));
    }
}
