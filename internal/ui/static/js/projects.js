// The projects page: the customer's projects, create (cpu or partition) and delete.

import { h, replace, errorBox, select } from './dom.js';
import { esc } from './api.js';

export function projectsView(root, app) {
  const list = h('ul#project-list.projects');
  const listMsg = h('div.msg');
  const pid = h('input#new-pid', { name: 'pid', required: true, placeholder: 'project id' });
  const type = select({ id: 'new-type', name: 'type' }, [['cpu', 'cpu'], ['partition', 'partition']], 'cpu');
  const split = h('input#new-split', { name: 'partitionSplit', placeholder: 'partition column' });
  const splitLabel = h('label.split', { hidden: true }, 'partition column', split);
  type.addEventListener('change', () => { splitLabel.hidden = type.value !== 'partition'; });
  const createMsg = h('div.msg');
  let alive = true;

  async function load() {
    try {
      const ids = (await app.api.listProjects()).slice().sort();
      if (!alive) return;
      replace(list, ids.length === 0 ? h('li.empty', 'No projects yet.') : ids.map((id) => h('li',
        h('a', { href: `#/p/${esc(id)}/live`, 'data-pid': id }, id), ' ',
        h('button.danger.small', { type: 'button', 'data-delete': id, onclick: () => remove(id) }, 'delete'))));
      replace(listMsg);
    } catch (e) {
      replace(listMsg, errorBox(e));
    }
  }

  async function remove(id) {
    if (!confirm(`Delete project "${id}" and its models? This cannot be undone.`)) return;
    try {
      await app.api.deleteProject(id);
      replace(listMsg, h('div.ok', `Project "${id}" deleted.`));
      load();
    } catch (e) {
      replace(listMsg, errorBox(e));
    }
  }

  const form = h('form#create.card', {
    onsubmit: async (ev) => {
      ev.preventDefault();
      replace(createMsg, 'creating…');
      try {
        await app.api.createProject(pid.value.trim(), type.value, split.value.trim());
        app.navigate(`#/p/${esc(pid.value.trim())}/live`);
      } catch (e) {
        replace(createMsg, errorBox(e));
      }
    },
  }, h('h3', 'New project'), h('label', 'id', pid), h('label', 'type', type), splitLabel,
  h('button#create-button', { type: 'submit' }, 'Create'), createMsg);

  replace(root, h('section.projects-page',
    h('div.card', h('h2', 'Projects'), listMsg, list, h('button.small', { type: 'button', onclick: load }, 'refresh')),
    form));
  load();
  return () => { alive = false; };
}
