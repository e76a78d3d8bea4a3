//! Larger clusters made from a real one, for benchmarks and size tests: every service,
//! task definition and task copied `copies` times under new names, so the rules see a
//! cluster with the same problems many times over.

use regex::Regex;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Snapshot;

/// `snapshot` with its services, task definitions and tasks repeated `copies` times in all
/// (the originals plus `copies - 1` renamed copies: `web` becomes `web-c1`, `web-c2`, …).
pub fn replicate(snapshot: &Snapshot, copies: usize) -> Snapshot {
    let mut names: Vec<String> = snapshot
        .services
        .iter()
        .map(|s| s.service_name.clone())
        .chain(snapshot.task_definitions.iter().map(|t| t.family.clone()))
        .filter(|n| !n.is_empty())
        .collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    names.dedup();
    let Some(pattern) = names_pattern(&names) else {
        return snapshot.clone();
    };
    let mut out = snapshot.clone();
    for i in 1..copies {
        let suffix = format!("-c{i}");
        out.services.extend(snapshot.services.iter().filter_map(|s| renamed(s, &pattern, &suffix)));
        out.task_definitions.extend(snapshot.task_definitions.iter().filter_map(|t| renamed(t, &pattern, &suffix)));
        out.tasks.extend(snapshot.tasks.iter().filter_map(|t| renamed(t, &pattern, &suffix)));
    }
    out
}

/// Matches a name where it stands as a whole in JSON text: after `"`, `/` or `:` and before
/// `"`, `/` or `:`.
fn names_pattern(names: &[String]) -> Option<Regex> {
    let alternatives: Vec<String> = names.iter().map(|n| regex::escape(n)).collect();
    Regex::new(&format!(r#"(["/:])({})(["/:])"#, alternatives.join("|"))).ok()
}

fn renamed<T: Serialize + DeserializeOwned>(item: &T, pattern: &Regex, suffix: &str) -> Option<T> {
    let text = serde_json::to_string(item).ok()?;
    // Twice: adjacent names share a delimiter (`/web:web"`), which one pass would skip.
    let with = format!("${{1}}${{2}}{suffix}${{3}}");
    let once = pattern.replace_all(&text, with.as_str());
    let twice = pattern.replace_all(&once, with.as_str());
    serde_json::from_str(&twice).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Service, TaskDefinition};

    #[test]
    fn copies_are_renamed_consistently() {
        let mut s = Snapshot::default();
        s.services.push(Service {
            service_name: "web".into(),
            service_arn: "arn:aws:ecs:eu-west-1:1:service/prod/web".into(),
            task_definition: Some("arn:aws:ecs:eu-west-1:1:task-definition/web:3".into()),
            ..Default::default()
        });
        s.task_definitions.push(TaskDefinition {
            task_definition_arn: "arn:aws:ecs:eu-west-1:1:task-definition/web:3".into(),
            family: "web".into(),
            ..Default::default()
        });
        let big = replicate(&s, 3);
        assert_eq!(big.services.len(), 3);
        assert_eq!(big.services[2].service_name, "web-c2");
        assert_eq!(big.services[2].service_arn, "arn:aws:ecs:eu-west-1:1:service/prod/web-c2");
        assert_eq!(
            big.services[2].task_definition.as_deref(),
            Some("arn:aws:ecs:eu-west-1:1:task-definition/web-c2:3")
        );
        assert_eq!(big.task_definitions[1].family, "web-c1");
        assert!(big.task_definition("arn:aws:ecs:eu-west-1:1:task-definition/web-c1:3").is_some());
    }
}
