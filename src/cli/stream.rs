//! Writing a report's JSON as it is produced: rendered in chunks (`report::json::render`,
//! the bytes `report::json::to_string` gives) and each chunk written to stdout or a file
//! as soon as it is full, so no whole-report string is ever held. The large arrays (a
//! deployment's targets, the capacity series) are rendered in blocks on up to `THREADS`
//! threads while this one writes them in order: the same bytes on any number of threads.
//!
//! Not here: the JSON itself (`report::json`), which targets are built when
//! (`report::targets`).

use std::io::{self, Write};
use std::num::NonZeroUsize;
use std::sync::mpsc;
use std::thread;

use crate::report::Report;
use crate::report::json::{self, InOrder, OneThread};

/// The most threads that render a report's JSON: beyond a few, writing the bytes, on this
/// thread alone, is what bounds it.
const THREADS: usize = 4;

/// Blocks rendered ahead by each thread, at most, before this one has written them.
const AHEAD: usize = 2;

/// The report's JSON and a final newline into `w`, rendered on one thread per core (at
/// most `THREADS`).
pub fn write_json(report: &Report, w: impl Write) -> io::Result<()> {
    let cores = thread::available_parallelism().map_or(1, NonZeroUsize::get);
    write_json_on(report, Threads(cores.min(THREADS)), w)
}

fn write_json_on(report: &Report, threads: Threads, mut w: impl Write) -> io::Result<()> {
    json::render(report, &threads, |b| w.write_all(b))?;
    w.flush()
}

/// Blocks rendered on this many threads, block `b` by thread `b % n`, and handed on by
/// the calling thread in order.
struct Threads(usize);

impl InOrder for Threads {
    fn in_order<T, E>(
        &self,
        blocks: usize,
        init: impl Fn() -> T + Sync,
        render: impl Fn(&mut T, usize, &mut Vec<u8>) + Sync,
        mut sink: impl FnMut(&[u8]) -> Result<(), E>,
    ) -> Result<(), E> {
        let threads = self.0.min(blocks);
        if threads <= 1 {
            return OneThread.in_order(blocks, init, render, sink);
        }
        let (init, render) = (&init, &render);
        thread::scope(|s| {
            // Per thread: its rendered blocks, and the buffers written, to reuse.
            let lanes: Vec<_> = (0..threads)
                .map(|k| {
                    let (full, rendered) = mpsc::sync_channel::<Vec<u8>>(AHEAD);
                    let (emptied, empty) = mpsc::channel::<Vec<u8>>();
                    s.spawn(move || {
                        let mut state = init();
                        for b in (k..blocks).step_by(threads) {
                            let mut buf = empty.try_recv().unwrap_or_default();
                            render(&mut state, b, &mut buf);
                            if full.send(buf).is_err() {
                                return; // the sink failed: nothing more is wanted
                            }
                        }
                    });
                    (rendered, emptied)
                })
                .collect();
            for b in 0..blocks {
                let (rendered, emptied) = &lanes[b % threads];
                // Only a thread that panicked ends early; the scope passes its panic on.
                let Ok(mut buf) = rendered.recv() else { break };
                sink(&buf)?;
                buf.clear();
                let _ = emptied.send(buf);
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{Threads, write_json_on};
    use crate::report::json;

    /// A fleet of 2,500 rolled back: two deployments of 2,500 targets (40 blocks each) and
    /// a capacity series of about 5,000 points (two blocks).
    fn report() -> crate::report::Report {
        let yaml = "name: fleet\ndeploymentConfigName: CodeDeployDefault.OneAtATime\n\
                    fleet: {instances: 2500}\n\
                    hooks:\n  ValidateService:\n    - {location: scripts/validate.sh, timeout: 120, duration: 10s}\n\
                    faults:\n  - hookFails: {target: 2, event: ValidateService}\n\
                    autoRollbackConfiguration: {events: [DEPLOYMENT_FAILURE]}\n";
        let sc = crate::scenario::load_str(yaml, "fleet.yaml").unwrap();
        crate::simulation::simulate(&sc, 1)
    }

    /// The blocks rendered on several threads are written in order: the same bytes as on
    /// one thread.
    #[test]
    fn the_json_is_the_same_bytes_on_any_number_of_threads() {
        let r = report();
        assert!(r.capacity.len() > 4096, "the capacity series spans blocks");
        let one = json::to_string(&r).into_bytes();
        for n in [1, 2, 3, 8] {
            let mut written = Vec::new();
            write_json_on(&r, Threads(n), &mut written).unwrap();
            assert!(written == one, "{n} threads give other bytes than one");
        }
    }

    /// A write that fails ends the rendering with its error, its threads stopped, nothing
    /// written after it.
    #[test]
    fn a_failed_write_stops_every_thread() {
        let r = report();
        let mut writes = 0;
        let failed = json::render(&r, &Threads(2), |_| {
            writes += 1;
            if writes == 3 { Err("disk full") } else { Ok(()) }
        });
        assert_eq!((failed, writes), (Err("disk full"), 3));
    }
}
