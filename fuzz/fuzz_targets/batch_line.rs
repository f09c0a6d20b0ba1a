//! Any bytes as a batch line: read or refused with a code, never a panic; what is read
//! validates or is refused with a code, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use s3presign::batch_line;
use s3presign::request::RequestFields;

fuzz_target!(|line: &[u8]| {
    match batch_line::parse(line) {
        Ok(parsed) => {
            let defaults = RequestFields::default();
            if let Err(e) = parsed.fields.over(&defaults).validate() {
                assert!(!e.message.is_empty());
            }
        }
        Err(e) => assert!(!e.error.kind.code().is_empty() && !e.error.message.is_empty()),
    }
});
