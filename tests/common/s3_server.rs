//! s3s-fs serving a temporary directory on 127.0.0.1 and checking SigV4 signatures: the S3 server
//! of the integration tests and of `cargo run --example local_s3`.
//!
//! What s3s-fs 0.14.1 does not check, and where those rules are tested instead:
//! - the 7-day cap on `X-Amz-Expires` (it accepts longer URLs): s3presign refuses to sign them
//!   (`expiry_too_far` in tests/batch.rs and tests/properties.rs) and `inspect` calls them never
//!   valid (tests/inspect.rs);
//! - the region of the credential scope (it accepts any): every URL's scope is compared with
//!   botocore signing for the region the request asked for (tests/botocore.rs, tests/option_table.rs);
//! - which headers and parameters an operation takes (it ignores e.g. an SSE header on a part):
//!   tests/option_table.rs, against botocore's S3 model;
//! - SSE-C encryption (it stores the body in plain text; only the signature binds the key): the
//!   signed SSE-C headers are
//!   compared with botocore's (tests/sse_c.rs, tests/option_table.rs);
//! - versioning (it serves the current object for any `versionId`): the version id is compared
//!   with botocore's signing (tests/botocore.rs);
//! - POST policy failures answer 400 InvalidPolicyDocument where AWS answers 403 AccessDenied.
//! - an unknown access key id is answered NotSignedUp where AWS answers InvalidAccessKeyId;
//! - it keeps objects as files, so keys with `//` or a final `/` (folder markers) cannot exist
//!   there, and it ignores `encoding-type=url` in listings (it echoes it without encoding keys).

use std::net::SocketAddr;

/// AWS's documented example keys: signing needs no account and no network.
pub const ACCESS_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
pub const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/// s3s-fs serving a temporary directory on 127.0.0.1, checking SigV4 with the example keys.
/// Buckets are directories and objects are files, so tests set up state on disk directly.
pub struct TestServer {
    pub endpoint: String,
    pub root: tempfile::TempDir,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TestServer {
    pub fn start() -> TestServer {
        let root = tempfile::tempdir().unwrap();
        let fs = s3s_fs::FileSystem::new(root.path()).unwrap();
        let mut builder = s3s::service::S3ServiceBuilder::new(fs);
        builder.set_auth(s3s::auth::SimpleAuth::from_single(ACCESS_KEY, SECRET_KEY));
        let service = builder.build();

        let (addr_tx, addr_rx) = std::sync::mpsc::channel::<SocketAddr>();
        let (shutdown_tx, mut shutdown_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                addr_tx.send(listener.local_addr().unwrap()).unwrap();
                let http = hyper_util::server::conn::auto::Builder::new(
                    hyper_util::rt::TokioExecutor::new(),
                );
                loop {
                    tokio::select! {
                        accepted = listener.accept() => {
                            let Ok((socket, _)) = accepted else { continue };
                            let conn = http
                                .serve_connection(hyper_util::rt::TokioIo::new(socket), service.clone())
                                .into_owned();
                            tokio::spawn(async move { let _ = conn.await; });
                        }
                        _ = &mut shutdown_rx => break,
                    }
                }
            });
        });
        let addr = addr_rx.recv().expect("the test server starts");
        TestServer {
            endpoint: format!("http://{addr}"),
            root,
            shutdown: Some(shutdown_tx),
            thread: Some(thread),
        }
    }

    pub fn create_bucket(&self, bucket: &str) {
        std::fs::create_dir_all(self.root.path().join(bucket)).unwrap();
    }

    pub fn put_object(&self, bucket: &str, key: &str, body: &[u8]) {
        let path = self.root.path().join(bucket).join(key);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, body).unwrap();
    }

    pub fn object(&self, bucket: &str, key: &str) -> Option<Vec<u8>> {
        std::fs::read(self.root.path().join(bucket).join(key)).ok()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
