import { autocompletion, closeBrackets, closeBracketsKeymap, closeCompletion, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { bracketMatching, HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, placeholder } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { PromQLExtension, type PrometheusClient } from '@prometheus-io/codemirror-promql';

export interface PromqlEditor {
  /** Replaces the text (a metric picked in the catalog). */
  setText(text: string): void;
  text(): string;
  focus(): void;
  destroy(): void;
}

/** Colours from the app's theme variables, so the editor follows light and dark. */
const theme = EditorView.theme({
  '&': { backgroundColor: 'var(--panel)', color: 'var(--fg)', border: '1px solid var(--border)', borderRadius: '6px', fontSize: '13px' },
  '&.cm-focused': { outline: '2px solid var(--accent)', outlineOffset: '1px' },
  '.cm-content': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', padding: '6px 0', caretColor: 'var(--fg)' },
  '.cm-line': { padding: '0 8px' },
  '.cm-placeholder': { color: 'var(--muted)' },
  '.cm-tooltip': { backgroundColor: 'var(--panel)', color: 'var(--fg)', border: '1px solid var(--border)' },
  '.cm-tooltip-autocomplete ul li[aria-selected]': { backgroundColor: 'var(--accent-bg)', color: 'var(--accent-fg)' },
  '.cm-completionDetail': { color: 'var(--muted)' },
});

/** Token colours from the theme variables (CodeMirror's default style is for light backgrounds only); tags as lezer-promql assigns them. */
const highlight = HighlightStyle.define([
  { tag: [tags.function(tags.variableName), tags.operatorKeyword], color: 'var(--accent-fg)' },
  { tag: [tags.modifier, tags.logicOperator], color: 'var(--accent-fg)' },
  { tag: tags.labelName, color: 'var(--info-fg)' },
  { tag: tags.string, color: 'var(--good-fg)' },
  { tag: tags.number, color: 'var(--warn-fg)' },
  { tag: tags.comment, color: 'var(--muted)' },
  { tag: tags.invalid, color: 'var(--bad-fg)' },
]);

/**
 * Typing over a selection is applied here instead of by the browser: Chromium keeps the colour of
 * the replaced token as a `style` attribute on a new span (seen as `style="color: rgb(…)"`), which the
 * CSP blocks with a console error at every such keystroke. Input handlers (closing brackets) run
 * first, as CodeMirror runs them for the browser's own changes.
 */
function replaceSelectionTyped(event: InputEvent, view: EditorView): boolean {
  const { main } = view.state.selection;
  if (event.inputType !== 'insertText' || !event.data || main.empty || view.composing) return false;
  event.preventDefault();
  const text = event.data;
  const insert = () => view.state.update({ changes: { from: main.from, to: main.to, insert: text }, selection: { anchor: main.from + text.length }, userEvent: 'input.type', scrollIntoView: true });
  if (view.state.facet(EditorView.inputHandler).some((handler) => handler(view, main.from, main.to, text, insert))) return true;
  view.dispatch(insert());
  return true;
}

/**
 * A one-query PromQL editor: codemirror-promql's language, linter and completion (fed by `client`),
 * Mod-Enter (and Shift-Enter) runs the query.
 *
 * The editor lives in a shadow root under `host`: CodeMirror's style-mod writes a `<style>` element
 * into a document's head (which the app's `style-src 'self'` CSP blocks) but uses a constructed
 * style sheet (`adoptedStyleSheets`, CSSOM, not subject to the CSP) for a shadow root
 * (style-mod 4.1 StyleSet: `!root.head && root.adoptedStyleSheets`). Theme variables inherit into it.
 */
export function createPromqlEditor(host: HTMLElement, options: { text: string; client: PrometheusClient; onRun: () => void; onChange?: (text: string) => void; label: string }): PromqlEditor {
  const promql = new PromQLExtension().setComplete({ remote: options.client, maxMetricsMetadata: 10_000 });
  const run = (view: EditorView) => {
    closeCompletion(view);
    options.onRun();
    return true;
  };
  const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
  const parent = document.createElement('div');
  root.append(parent);
  const view = new EditorView({
    parent,
    root,
    state: EditorState.create({
      doc: options.text,
      extensions: [
        history(),
        closeBrackets(),
        bracketMatching(),
        autocompletion(),
        syntaxHighlighting(highlight),
        placeholder('PromQL, e.g. rate(node_cpu_seconds_total{mode="user"}[1m])'),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ 'aria-label': options.label, 'data-testid': 'promql-editor' }),
        keymap.of([{ key: 'Mod-Enter', run }, { key: 'Shift-Enter', run }, ...closeBracketsKeymap, ...completionKeymap, ...historyKeymap, ...defaultKeymap]),
        EditorView.domEventHandlers({
          // A suggestion list left open over the chart after pressing Run hides the result.
          blur: (_event, view) => void closeCompletion(view),
          beforeinput: (event, view) => replaceSelectionTyped(event, view),
        }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) options.onChange?.(update.state.doc.toString());
        }),
        theme,
        promql.asExtension(),
      ],
    }),
  });
  return {
    setText(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    text: () => view.state.doc.toString(),
    focus: () => view.focus(),
    destroy() {
      view.destroy();
      promql.destroy();
      parent.remove();
    },
  };
}
