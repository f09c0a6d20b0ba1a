//! A signature-checking S3 server on 127.0.0.1 for trying s3presign and the module by hand:
//! the server the tests use (s3s-fs), with AWS's documented example keys and a bucket `pester`
//! holding `hello.txt`. Prints the environment the Pester tests read, then serves until killed.
//!
//!     cargo run --example local_s3
//!
//! Then, in another shell, set those variables and run `Invoke-Pester tests/pwsh`.

#[path = "../tests/common/s3_server.rs"]
#[allow(dead_code)] // the tests use more of it
mod s3_server;

fn main() {
    let server = s3_server::TestServer::start();
    server.create_bucket("pester");
    server.put_object("pester", "hello.txt", b"hello world");
    println!("S3PRESIGN_TEST_ENDPOINT={}", server.endpoint);
    println!("S3PRESIGN_TEST_ACCESS_KEY={}", s3_server::ACCESS_KEY);
    println!("S3PRESIGN_TEST_SECRET_KEY={}", s3_server::SECRET_KEY);
    println!("S3PRESIGN_TEST_BUCKET=pester");
    println!("S3PRESIGN_TEST_ROOT={}", server.root.path().display());
    loop {
        std::thread::park();
    }
}
