//! Front-matter references: `owner`, `collaborates_with`, `collaborators`, `process`, `stage`
//! and `stages[].playbooks` name pages by id; each must name a page of the right kind.

use crate::model::{Kind, Located, Meta, PageIdx, Pos};

use super::Site;

/// One page's references, resolved (unresolved ones are left out and listed in `problems`).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct References {
    pub owner: Option<PageIdx>,
    /// `collaborates_with` of a department, `collaborators` of a process.
    pub collaborators: Vec<PageIdx>,
    /// Per stage of a process.
    pub stage_collaborators: Vec<Vec<PageIdx>>,
    pub stage_playbooks: Vec<Vec<PageIdx>>,
    /// A playbook's process and the index of its stage there.
    pub process: Option<PageIdx>,
    pub stage: Option<usize>,
    pub problems: Vec<RefProblem>,
}

impl References {
    /// Every page named, for backlinks.
    pub fn pages(&self) -> impl Iterator<Item = PageIdx> + '_ {
        self.owner
            .iter()
            .chain(&self.collaborators)
            .chain(self.stage_collaborators.iter().flatten())
            .chain(self.stage_playbooks.iter().flatten())
            .chain(&self.process)
            .copied()
    }
}

/// A reference that does not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefProblem {
    /// No page of `expected` kind has this id (`found` is a page of another kind that does).
    Missing {
        field: &'static str,
        id: String,
        expected: Kind,
        found: Option<PageIdx>,
        pos: Pos,
    },
    /// The playbook's stage is not a stage of its process.
    UnknownStage {
        process: PageIdx,
        stage: String,
        pos: Pos,
    },
}

pub fn resolve(site: &Site, i: PageIdx) -> References {
    let page = &site.pages[i];
    let mut refs = References::default();
    let one = |field: &'static str,
               value: &Located<String>,
               kind: Kind,
               problems: &mut Vec<RefProblem>| {
        let found = site.by_id.get(value.value.as_str()).copied();
        match found.filter(|&p| site.kind(p) == kind) {
            Some(p) => Some(p),
            None => {
                problems.push(RefProblem::Missing {
                    field,
                    id: value.value.clone(),
                    expected: kind,
                    found,
                    pos: value.pos.clone(),
                });
                None
            }
        }
    };
    let mut problems = Vec::new();
    if let Some(owner) = &page.common.owner {
        refs.owner = one("owner", owner, Kind::Department, &mut problems);
    }
    match &page.meta {
        Meta::Department(d) => {
            refs.collaborators = d
                .collaborates_with
                .iter()
                .filter_map(|c| one("collaborates_with", c, Kind::Department, &mut problems))
                .collect();
        }
        Meta::Process(p) => {
            refs.collaborators = p
                .collaborators
                .iter()
                .filter_map(|c| one("collaborators", c, Kind::Department, &mut problems))
                .collect();
            refs.stage_collaborators.reserve_exact(p.stages.len());
            refs.stage_playbooks.reserve_exact(p.stages.len());
            for stage in &p.stages {
                let collaborators = stage
                    .collaborators
                    .iter()
                    .filter_map(|c| one("collaborators", c, Kind::Department, &mut problems))
                    .collect();
                let playbooks = stage
                    .playbooks
                    .iter()
                    .filter_map(|c| one("playbooks", c, Kind::Playbook, &mut problems))
                    .collect();
                refs.stage_collaborators.push(collaborators);
                refs.stage_playbooks.push(playbooks);
            }
        }
        Meta::Playbook(p) => {
            if let Some(process) = &p.process {
                refs.process = one("process", process, Kind::Process, &mut problems);
            }
            if let (Some(process), Some(stage)) = (refs.process, &p.stage) {
                let stages = site.pages[process]
                    .process()
                    .map(|p| p.stages.as_slice())
                    .unwrap_or_default();
                refs.stage = stages
                    .iter()
                    .position(|s| s.id == stage.value || s.name == stage.value);
                if refs.stage.is_none() {
                    problems.push(RefProblem::UnknownStage {
                        process,
                        stage: stage.value.clone(),
                        pos: stage.pos.clone(),
                    });
                }
            }
        }
        Meta::Page => {}
    }
    refs.problems = problems;
    refs
}
