import { autocompletion, closeBrackets, closeBracketsKeymap, closeCompletion, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { bracketMatching, defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, placeholder } from '@codemirror/view';
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
        syntaxHighlighting(defaultHighlightStyle),
        placeholder('PromQL, e.g. rate(node_cpu_seconds_total{mode="user"}[1m])'),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ 'aria-label': options.label, 'data-testid': 'promql-editor' }),
        keymap.of([{ key: 'Mod-Enter', run }, { key: 'Shift-Enter', run }, ...closeBracketsKeymap, ...completionKeymap, ...historyKeymap, ...defaultKeymap]),
        // A suggestion list left open over the chart after pressing Run hides the result.
        EditorView.domEventHandlers({ blur: (_event, view) => void closeCompletion(view) }),
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
