//! A process's `stages:`, each stage and its `resources:` read field by field. A stage that
//! cannot be a stage (no `name`, not a mapping) is left out and reported at its `-`, and the
//! process is marked as missing a stage, so nothing that names that stage is reported too.

use std::borrow::Cow;

use super::fields::{self, Field, RESOURCE, STAGE};
use super::reader::Reader;
use crate::model::{Located, Stage};
use crate::yaml::node::Node;

/// The stages that could be read, each stage's resources as (title, url), and whether every
/// stage was read.
pub struct Stages {
    pub stages: Vec<Stage>,
    pub resources: Vec<Vec<(String, Located<String>)>>,
    pub complete: bool,
    /// The values written in the stages left out: ids they may name.
    pub left_out: Vec<String>,
}

pub fn read(r: &mut Reader, field: &Field, node: &Node) -> Stages {
    let mut out = Stages {
        stages: Vec::new(),
        resources: Vec::new(),
        complete: true,
        left_out: Vec::new(),
    };
    let Some(items) = r.items(field, node) else {
        out.complete = false;
        r.scalars(node, &mut out.left_out);
        return out;
    };
    // A stage is about 350 bytes and every process keeps its stages: no growth slack.
    out.stages.reserve_exact(items.len());
    out.resources.reserve_exact(items.len());
    for (number, item) in items.iter().enumerate() {
        match stage(r, item, number + 1) {
            Some((stage, resources)) => {
                out.stages.push(stage);
                out.resources.push(resources);
            }
            None => {
                out.complete = false;
                r.scalars(item, &mut out.left_out);
            }
        }
    }
    out
}

type Resources = Vec<(String, Located<String>)>;

fn stage(r: &mut Reader, item: &Node, number: usize) -> Option<(Stage, Resources)> {
    let entries = r.entries(item, &format_args!("stage {number}"), "- name: Discovery")?;
    let mut stage = Stage::default();
    let mut name: Option<Located<String>> = None;
    let mut id: Option<Located<String>> = None;
    let mut resources = Vec::new();
    // The first key of each stage field, by its place in `STAGE`; the unknown keys, for a
    // repeated one.
    let mut first_of: [Option<&Node>; STAGE.len()] = [None; STAGE.len()];
    let mut unknown: Vec<(Cow<str>, &Node)> = Vec::new();
    for (key, value) in entries {
        let key_name = r.key(key);
        let Some(index) = STAGE.iter().position(|f| f.name == key_name) else {
            if let Some((_, first)) = unknown.iter().find(|(name, _)| *name == key_name) {
                let first = r.pos(first);
                r.repeated(key, &first);
                continue;
            }
            let help = fields::unknown_help(
                &key_name,
                STAGE.iter().map(|f| f.name),
                "a stage's fields are",
            );
            let pos = r.pos(key);
            r.problem(
                &key_name,
                pos,
                format!("unknown stage field `{key_name}`"),
                help,
            );
            unknown.push((key_name, key));
            continue;
        };
        if let Some(first) = first_of[index] {
            let first = r.pos(first);
            r.repeated(key, &first);
            continue;
        }
        first_of[index] = Some(key);
        let field = &STAGE[index];
        match field.name {
            "name" => name = r.text(field, value),
            "id" => id = r.text(field, value),
            "goal" => stage.goal = text(r, field, value),
            "duration" => stage.duration = text(r, field, value),
            "sales_stage" => stage.sales_stage = text(r, field, value),
            "forecast_category" => stage.forecast_category = text(r, field, value),
            "agenda" => stage.agenda = r.texts(field, value),
            "exit_criteria" => stage.exit_criteria = r.texts(field, value),
            "next_step" => stage.next_step = text(r, field, value),
            "collaborators" => stage.collaborators = r.list(field, value),
            "playbooks" => stage.playbooks = r.list(field, value),
            "resources" => resources = read_resources(r, field, value),
            _ => {}
        }
    }
    let Some(name) = name else {
        let pos = r.item_pos(item);
        r.problem(
            "stages.name",
            pos,
            format!("stage {number} has no `name`"),
            "add `name: <stage name>` to it (its id is the name's slug, unless `id:` is set)",
        );
        return None;
    };
    (stage.id, stage.id_pos) = match id {
        Some(id) => (id.value, id.pos),
        None => (crate::load::slug::slug(&name.value), name.pos),
    };
    stage.name = name.value;
    Some((stage, resources))
}

fn read_resources(r: &mut Reader, field: &Field, node: &Node) -> Resources {
    let Some(items) = r.items(field, node) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items {
        let Some(entries) = r.entries(item, &"a resource", "- {title: Deck, url: deck.pdf}") else {
            continue;
        };
        let (mut title, mut url) = (None, None);
        for (key, value) in entries {
            let key_name = r.key(key);
            match fields::field(RESOURCE, &key_name) {
                Some(f) if f.name == "title" => title = r.text(f, value),
                Some(f) => url = r.text(f, value),
                None => {
                    let help = fields::unknown_help(
                        &key_name,
                        RESOURCE.iter().map(|f| f.name),
                        "a resource's fields are",
                    );
                    let pos = r.pos(key);
                    r.problem(
                        &key_name,
                        pos,
                        format!("unknown resource field `{key_name}`"),
                        help,
                    );
                }
            }
        }
        let missing = match (&title, &url) {
            (None, _) => "title",
            (_, None) => "url",
            _ => "",
        };
        if let (Some(title), Some(url)) = (title, url) {
            out.push((title.value, url));
        } else {
            let pos = r.item_pos(item);
            r.problem(
                missing,
                pos,
                format!("this resource has no `{missing}`"),
                "give each resource a `title` and a `url`: `- {title: Deck, url: deck.pdf}`",
            );
        }
    }
    out
}

fn text(r: &mut Reader, field: &Field, node: &Node) -> Option<String> {
    r.text(field, node).map(|t| t.value)
}
