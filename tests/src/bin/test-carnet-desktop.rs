//! The desktop app, built as this package's own binary so the end-to-end
//! tests always drive the current code (the same `run` as carnet-desktop).

fn main() {
    carnet_desktop::run();
}
