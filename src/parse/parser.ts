// tree-sitter (WASM) set-up: one parser and one query per thread, loaded once.
import { createRequire } from 'node:module';
import { Language, Parser, Query, type Tree } from 'web-tree-sitter';

const require = createRequire(import.meta.url);

/**
 * One query finds every node the model needs; the query engine walks the tree inside WASM,
 * which is far cheaper than visiting each node from JavaScript (DESIGN.md "Measured facts").
 * `@kind.field` captures hand over the children the model reads, so it need not look them up
 * node by node (each lookup crosses into WASM). `_` rather than `(_)`: a field may hold an anonymous node.
 * Read with `matches()`: `captures()` would copy every node of a match once per capture.
 */
const MODEL_QUERY = `
(call function: _ @call.function arguments: _? @call.arguments) @call
(expression_statement (call) @discarded)
(for_statement) @for
(while_statement) @while
(list_comprehension) @comprehension
(set_comprehension) @comprehension
(dictionary_comprehension) @comprehension
(generator_expression) @comprehension
(function_definition) @def
(class_definition) @class
(import_statement) @import
(import_from_statement) @import_from
(with_statement) @with
(assignment left: _ @assign.left type: _? @assign.type right: _ @assign.right) @assign
(augmented_assignment left: _ @assign.left operator: _? @assign.operator right: _ @assign.right) @augassign
(break_statement) @exit
(return_statement) @exit
(raise_statement) @exit
(comparison_operator) @compare
`;

export interface PythonParser {
  parse(text: string): Tree;
  query: Query;
}

let loading: Promise<PythonParser> | undefined;

export function loadPythonParser(): Promise<PythonParser> {
  loading ??= (async () => {
    // Emscripten prints `Aborted()` itself before throwing: the error is reported once, by the caller (model-file.ts).
    await Parser.init({ printErr: () => undefined });
    const language = await Language.load(require.resolve('tree-sitter-python/tree-sitter-python.wasm'));
    const parser = new Parser();
    parser.setLanguage(language);
    const query = new Query(language, MODEL_QUERY);
    return {
      query,
      parse(text: string): Tree {
        const tree = parser.parse(text);
        if (!tree) throw new Error('tree-sitter returned no tree');
        return tree;
      },
    };
  })();
  return loading;
}
