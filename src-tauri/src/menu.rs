//! The window's menu: File → Open record… (Ctrl+O) and Quit. Choosing
//! Open record tells the webview, which asks for the file the same way its
//! own "Open record…" button does.

use tauri::menu::{MenuBuilder, MenuItemBuilder, SubmenuBuilder};
use tauri::{App, Emitter};

const OPEN_RECORD: &str = "open-record";

pub fn install(app: &App) -> tauri::Result<()> {
    let open = MenuItemBuilder::with_id(OPEN_RECORD, "Open record…")
        .accelerator("CmdOrCtrl+O")
        .build(app)?;
    let file = SubmenuBuilder::new(app, "File")
        .item(&open)
        .separator()
        .quit()
        .build()?;
    app.set_menu(MenuBuilder::new(app).item(&file).build()?)?;
    app.on_menu_event(|app, event| {
        if event.id() == OPEN_RECORD {
            let _ = app.emit("menu-open-record", ());
        }
    });
    Ok(())
}
