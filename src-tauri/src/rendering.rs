//! Painting without a GPU. On a machine with no GPU (no DRM render node:
//! virtual machines, CI runners, remote desktops) Mesa runs WebKit's GL
//! painting on the CPU through llvmpipe, which is several times slower than
//! WebKit's own CPU painting: a window repaint took 300–650 ms here while a
//! deploy kept both cores busy, against 120–160 ms with CPU painting, and
//! the webview used 45 MB less. So without a render node the app asks
//! WebKit to paint on the CPU. A person who set the variable keeps theirs.
//!
//! WebKit's web process reads the variable when it starts, from the app's
//! environment. Setting it from inside the program would be `unsafe`
//! (`std::env::set_var` with other threads possibly reading it), so the app
//! starts itself again with the variable set, before anything else runs.

/// The variable WebKitGTK (2.46 and later) reads to paint with Skia on the CPU.
const CPU_PAINTING: &str = "WEBKIT_SKIA_ENABLE_CPU_RENDERING";

/// When WebKit should paint on the CPU and the variable is not set yet:
/// replaces this process with the same program and arguments, the variable
/// set. Returns only when nothing needs changing (or the restart failed,
/// which is logged: the app then runs as it would have).
pub fn prefer_cpu_painting_without_gpu() {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;

        if std::env::var_os(CPU_PAINTING).is_some() || has_render_node() {
            return;
        }
        let Ok(program) = std::env::current_exe() else {
            return;
        };
        let error = std::process::Command::new(program)
            .args(std::env::args_os().skip(1))
            .env(CPU_PAINTING, "1")
            .exec();
        eprintln!("golive: could not restart with CPU painting ({error}); going on with GL");
    }
}

/// Whether a GPU is there to paint with: a DRM render node.
#[cfg(target_os = "linux")]
pub fn has_render_node() -> bool {
    std::fs::read_dir("/dev/dri")
        .map(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
        })
        .unwrap_or(false)
}
