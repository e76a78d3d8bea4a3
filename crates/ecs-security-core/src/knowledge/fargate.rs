//! Fargate task sizes: the task-level CPU and memory combinations Fargate accepts, per
//! operating system, and parsers for the forms a task definition may use (`1024`, `1 vCPU`,
//! `0.25 vCPU`; `2048`, `2 GB`, `0.5GB`). Registered task definitions hold plain integers
//! (CPU units and MiB); the string forms appear in hand-written snapshots and templates.

use super::Provenance;

pub const SOURCE: Provenance = Provenance {
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size (Task CPU and memory; also RegisterTaskDefinition cpu/memory API reference)",
    as_of: "2026-11-26",
};

/// The memory values (MiB) Fargate accepts with one CPU size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemoryValues {
    List(&'static [u32]),
    /// `min..=max` in steps of `step`.
    Range {
        min: u32,
        max: u32,
        step: u32,
    },
}

/// One Fargate CPU size and the memory it accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskSize {
    /// CPU units (1024 = 1 vCPU).
    pub cpu: u32,
    pub memory: MemoryValues,
    /// Whether Windows tasks may use this size (Windows needs at least 1 vCPU).
    pub windows: bool,
    /// A condition on the size, if any.
    pub note: Option<&'static str>,
}

pub const TASK_SIZES: &[TaskSize] = &[
    TaskSize { cpu: 256, memory: MemoryValues::List(&[512, 1024, 2048]), windows: false, note: None },
    TaskSize { cpu: 512, memory: MemoryValues::Range { min: 1024, max: 4096, step: 1024 }, windows: false, note: None },
    TaskSize { cpu: 1024, memory: MemoryValues::Range { min: 2048, max: 8192, step: 1024 }, windows: true, note: None },
    TaskSize {
        cpu: 2048,
        memory: MemoryValues::Range { min: 4096, max: 16384, step: 1024 },
        windows: true,
        note: None,
    },
    TaskSize {
        cpu: 4096,
        memory: MemoryValues::Range { min: 8192, max: 30720, step: 1024 },
        windows: true,
        note: None,
    },
    TaskSize {
        cpu: 8192,
        memory: MemoryValues::Range { min: 16384, max: 61440, step: 4096 },
        windows: false,
        note: Some("requires Linux platform version 1.4.0 or later"),
    },
    TaskSize {
        cpu: 16384,
        memory: MemoryValues::Range { min: 32768, max: 122880, step: 8192 },
        windows: false,
        note: Some("requires Linux platform version 1.4.0 or later"),
    },
];

impl TaskSize {
    pub fn allows_memory(&self, mib: u32) -> bool {
        match self.memory {
            MemoryValues::List(values) => values.contains(&mib),
            MemoryValues::Range { min, max, step } => (min..=max).contains(&mib) && (mib - min).is_multiple_of(step),
        }
    }

    /// The accepted memory values, as the AWS table writes them.
    pub fn memory_label(&self) -> String {
        match self.memory {
            MemoryValues::List(values) => values.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", "),
            MemoryValues::Range { min, max, step } => {
                format!("{min} to {max} in steps of {step}")
            }
        }
    }
}

/// The sizes a task may use, Linux or Windows.
pub fn sizes(windows: bool) -> impl Iterator<Item = &'static TaskSize> {
    TASK_SIZES.iter().filter(move |s| !windows || s.windows)
}

/// The Fargate size with this many CPU units, for this operating system.
pub fn size_for_cpu(cpu: u32, windows: bool) -> Option<&'static TaskSize> {
    sizes(windows).find(|s| s.cpu == cpu)
}

/// The valid CPU values, e.g. `256, 512, 1024, …`.
pub fn cpu_label(windows: bool) -> String {
    sizes(windows).map(|s| s.cpu.to_string()).collect::<Vec<_>>().join(", ")
}

/// Whether some Fargate CPU size accepts this memory value.
pub fn memory_valid_for_some_cpu(mib: u32, windows: bool) -> bool {
    sizes(windows).any(|s| s.allows_memory(mib))
}

/// Parses a number with an optional unit suffix, scaling the suffixed form by `factor`.
fn parse_scaled(value: &str, suffixes: &[&str], factor: f64, plain: &[&str]) -> Option<u32> {
    let v = value.trim().to_ascii_lowercase();
    for suffix in suffixes {
        if let Some(n) = v.strip_suffix(suffix) {
            let x: f64 = n.trim().parse().ok()?;
            let scaled = x * factor;
            if !scaled.is_finite() || scaled < 1.0 || scaled > f64::from(u32::MAX) {
                return None;
            }
            return (scaled.fract() == 0.0).then_some(scaled as u32);
        }
    }
    let bare = plain.iter().find_map(|s| v.strip_suffix(s)).unwrap_or(&v).trim();
    bare.parse::<u32>().ok().filter(|n| *n > 0)
}

/// Task CPU in CPU units: `1024`, `1 vCPU`, `0.25 vCPU`, `.5vcpu`.
pub fn parse_cpu(value: &str) -> Option<u32> {
    parse_scaled(value, &["vcpus", "vcpu"], 1024.0, &[])
}

/// Task memory in MiB: `2048`, `2048 MiB`, `2 GB`, `0.5GB`.
pub fn parse_memory(value: &str) -> Option<u32> {
    parse_scaled(value, &["gib", "gb"], 1024.0, &["mib", "mb"])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_cpu_forms() {
        assert_eq!(parse_cpu("1024"), Some(1024));
        assert_eq!(parse_cpu(" 1 vCPU "), Some(1024));
        assert_eq!(parse_cpu("0.25 vCPU"), Some(256));
        assert_eq!(parse_cpu(".5vcpu"), Some(512));
        assert_eq!(parse_cpu("16 vCPU"), Some(16384));
        assert_eq!(parse_cpu("0.1 vCPU"), None);
        assert_eq!(parse_cpu("abc"), None);
        assert_eq!(parse_cpu("-1"), None);
        assert_eq!(parse_cpu("0"), None);
        assert_eq!(parse_cpu(""), None);
    }

    #[test]
    fn parses_memory_forms() {
        assert_eq!(parse_memory("2048"), Some(2048));
        assert_eq!(parse_memory("2 GB"), Some(2048));
        assert_eq!(parse_memory("0.5GB"), Some(512));
        assert_eq!(parse_memory("512 MiB"), Some(512));
        assert_eq!(parse_memory("lots"), None);
        assert_eq!(parse_memory("1e400 GB"), None);
    }

    #[test]
    fn validates_combinations() {
        let valid = |cpu: u32, mem: u32, win: bool| size_for_cpu(cpu, win).is_some_and(|s| s.allows_memory(mem));
        assert!(valid(256, 512, false));
        assert!(!valid(256, 3072, false));
        assert!(valid(1024, 2048, false));
        assert!(!valid(1024, 1024, false));
        assert!(valid(4096, 30720, false));
        assert!(!valid(4096, 31744, false));
        assert!(valid(8192, 20480, false));
        assert!(!valid(8192, 17408, false));
        assert!(valid(16384, 122880, false));
        assert!(!valid(256, 512, true));
        assert!(valid(1024, 2048, true));
        assert!(!valid(8192, 16384, true));
        assert!(size_for_cpu(300, false).is_none());
        assert!(memory_valid_for_some_cpu(3072, false));
        assert!(!memory_valid_for_some_cpu(100, false));
    }
}
