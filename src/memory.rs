//! The process's heap, kept close to what it holds.
//!
//! glibc gives each thread that allocates its own arena (up to eight per core),
//! and memory freed in one is not reused by another: an import parsed on one
//! blocking thread and written on the next left its freed rows behind, and three
//! imports in a row held 600 MiB where one needs 150 MiB. Two arenas serve a
//! server of two workers well, and after the largest jobs (an import, a photo
//! decode) what was freed is handed back to the system.

/// Caps the allocator's arenas; called once at start, before threads are made.
pub fn configure() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; it is called before
    // any other thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

/// Gives the heap's free memory back when dropped: held by a job that holds
/// much, so that whatever way it ends, what it freed goes back.
pub struct GiveBackOnDrop;

impl Drop for GiveBackOnDrop {
    fn drop(&mut self) {
        give_back();
    }
}

/// Returns the heap's free memory to the system, after a job that held much.
pub fn give_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free pages of the allocator's own heap.
    unsafe {
        libc::malloc_trim(0);
    }
}
