// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // The same binary shows file dialogs for the app, in a child process.
    if let Some(status) = golive_desktop::file_picker::run_if_asked() {
        std::process::exit(status);
    }
    // …and the demo platform's deploy scripts, for the demo launch's triggers.
    if let Some(status) = golive_desktop::demo_script::run_if_asked() {
        std::process::exit(status);
    }
    // Before any thread starts: this may start the program again.
    golive_desktop::rendering::prefer_cpu_painting_without_gpu();
    golive_desktop::run();
}
