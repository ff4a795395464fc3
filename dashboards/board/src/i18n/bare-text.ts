import ts from 'typescript';

/**
 * Finds user-facing text written straight into JSX instead of through a catalogue: text between tags,
 * strings a JSX expression renders (`{busy ? 'Saving…' : 'Save'}`, `` {`Room ${id}`} ``) and the
 * attributes people read or hear (aria-label, title, placeholder, alt). Only text with Latin letters
 * counts: symbols ("×", "—", "↑") read the same in every language.
 */
export interface BareText {
  line: number;
  text: string;
}

const READ_ATTRIBUTES = new Set(['aria-label', 'aria-description', 'aria-placeholder', 'title', 'placeholder', 'alt']);
const LETTERS = /[A-Za-z]{2,}/;

/** Whether a string literal is what a JSX expression renders (not a key, a comparison or an argument). */
function rendered(node: ts.Node): boolean {
  const parent = node.parent;
  if (!parent) return false;
  if (ts.isJsxExpression(parent)) return true;
  if (ts.isParenthesizedExpression(parent)) return rendered(parent);
  if (ts.isConditionalExpression(parent)) return node !== parent.condition && rendered(parent);
  if (ts.isBinaryExpression(parent)) {
    const op = parent.operatorToken.kind;
    const joins =
      op === ts.SyntaxKind.AmpersandAmpersandToken ||
      op === ts.SyntaxKind.BarBarToken ||
      op === ts.SyntaxKind.QuestionQuestionToken ||
      op === ts.SyntaxKind.PlusToken;
    return joins && rendered(parent);
  }
  if (ts.isTemplateSpan(parent)) return rendered(parent.parent);
  return false;
}

function inReadPlace(node: ts.Node): boolean {
  // Walk up to the JSX expression; it must be a child of an element or a read attribute's value.
  let n: ts.Node | undefined = node;
  while (n && !ts.isJsxExpression(n)) n = n.parent;
  if (!n?.parent) return false;
  if (ts.isJsxAttribute(n.parent)) return READ_ATTRIBUTES.has(n.parent.name.getText());
  return ts.isJsxElement(n.parent) || ts.isJsxFragment(n.parent);
}

export function findBareText(fileName: string, source: string): BareText[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: BareText[] = [];
  const add = (node: ts.Node, text: string) => {
    const clean = text.replace(/\s+/g, ' ').trim();
    if (LETTERS.test(clean))
      found.push({ line: file.getLineAndCharacterOfPosition(node.getStart()).line + 1, text: clean });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isJsxText(node)) add(node, node.text);
    else if (ts.isJsxAttribute(node) && READ_ATTRIBUTES.has(node.name.getText())) {
      if (node.initializer && ts.isStringLiteral(node.initializer)) add(node, node.initializer.text);
    } else if (
      (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) &&
      rendered(node) &&
      inReadPlace(node)
    ) {
      add(node, node.text);
    } else if (ts.isTemplateExpression(node) && rendered(node) && inReadPlace(node)) {
      add(node, [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' '));
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}
