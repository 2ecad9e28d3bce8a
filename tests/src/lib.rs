//! carnet-tests: tests that cross crates live in `tests/`; the helpers
//! they share are in `tests/common/`. This library is empty on purpose.
