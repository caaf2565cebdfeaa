//! A store the app cannot use is explained in the window, and left alone.

use crate::driver::App;

#[tokio::test]
async fn a_store_from_a_newer_golive_is_explained_and_left_untouched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("golive.db");
    {
        let conn = rusqlite::Connection::open(&store).expect("create a database");
        conn.execute_batch(
            "PRAGMA journal_mode=WAL; CREATE TABLE from_the_future (x); PRAGMA user_version = 99;",
        )
        .expect("write a future store");
    }
    let before = std::fs::read(&store).expect("read the store");

    let app = App::start(&store).await;
    app.wait_for_text("[data-testid=fatal]", "golive cannot open its store")
        .await;
    let message = app.text("[data-testid=fatal]").await;
    assert!(
        message.contains("newer golive") && message.contains("schema version 99"),
        "{message}"
    );
    assert!(
        message.contains("Install the newer golive"),
        "the message says what to do: {message}"
    );
    app.screenshot("11-store-too-new").await;
    app.quit().await;

    assert_eq!(
        std::fs::read(&store).expect("read the store"),
        before,
        "the newer store must not be modified"
    );
}
