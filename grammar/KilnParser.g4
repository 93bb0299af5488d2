// Kiln's syntax: Python's statement and expression forms that Kiln keeps,
// plus the effect keywords sample/param/observe/plate. The tree is walked by
// frontend/ast_builder.cpp, which also enforces what a context-free grammar
// cannot (assignment targets, argument order, literal values).
//
// Written to stay SLL(*) for valid programs (parse.cpp tries SLL first and
// only falls back to full LL on an error): alternatives are told apart by
// their first tokens wherever possible.
parser grammar KilnParser;

options { tokenVocab = KilnLexer; }

// ---------------------------------------------------------------- entry points

program : statement* EOF ;

// One f-string replacement field (or any stand-alone expression).
expressionInput : exprList EOF ;

// ---------------------------------------------------------------- statements

statement
    : simpleStatements
    | compoundStatement
    ;

simpleStatements : simpleStatement ( ';' simpleStatement )* ';'? NEWLINE ;

simpleStatement
    : expressionStatement
    | returnStatement
    | passStatement
    | breakStatement
    | continueStatement
    | assertStatement
    | importStatement
    ;

// An expression, `targets = ... = value`, or `target op= value`. Targets are
// parsed as expressions and checked by the builder, as Python does.
expressionStatement
    : exprList ( augmentedAssignOp exprList | ( '=' exprList )* )
    ;

augmentedAssignOp
    : '+=' | '-=' | '*=' | '/=' | '//=' | '%=' | '**=' | '@='
    ;

returnStatement   : RETURN exprList? ;
passStatement     : PASS ;
breakStatement    : BREAK ;
continueStatement : CONTINUE ;
assertStatement   : ASSERT expr ( ',' expr )? ;
importStatement   : IMPORT STRING ;

compoundStatement
    : ifStatement
    | whileStatement
    | forStatement
    | withStatement
    | defStatement
    ;

ifStatement    : IF expr ':' block elifClause* elseClause? ;
elifClause     : ELIF expr ':' block ;
elseClause     : ELSE ':' block ;
whileStatement : WHILE expr ':' block ;
// `for i in plate("seq", T):` is an ordinary for over a plate expression.
forStatement   : FOR targetList IN exprList ':' block ;
// `with plate("data", N) as idx:` is an ordinary with over a plate expression.
withStatement  : WITH expr ( AS primary )? ':' block ;
defStatement   : DEF NAME '(' parameters? ')' ':' block ;

parameters : parameter ( ',' parameter )* ','? ;
parameter  : NAME ( '=' expr )? ;

// An indented suite, or simple statements on the header's line.
block
    : simpleStatements
    | NEWLINE INDENT statement+ DEDENT
    ;

// Loop targets; the builder checks they are assignable.
targetList : primary ( ',' primary )* ','? ;

// ---------------------------------------------------------------- expressions

exprList : expr ( ',' expr )* ','? ;

// Every operator, highest precedence first (ANTLR orders a left-recursive
// rule's alternatives that way), in one rule so an operand costs one parse
// tree node rather than one per precedence level. Calls, subscripts and
// attributes bind tightest. A prefix operator's operand binds everything above
// it: -2**2 is -(2**2), -x.y is -(x.y), `not a == b` is not (a == b). '**' is
// right-associative and its right operand may be a unary minus (2**-1); the
// conditional expression is right-associative; lambda binds loosest.
// Unlike Python's grammar this accepts `not` and `lambda` as operands of
// tighter operators (a == not b); the AST builder rejects those. Every
// alternative but the comparison labels its operator token `op`, which is
// how the builder tells them apart.
expr
    : atom
    | expr op='(' arguments? ')'
    | expr op='[' subscripts ']'
    | expr op='.' attributeName
    | <assoc=right> expr op='**' expr
    | op=( '-' | '+' ) expr
    | expr op=( '*' | '/' | '//' | '%' | '@' ) expr
    | expr op=( '+' | '-' ) expr
    | expr comparisonOp expr
    | op=NOT expr
    | expr op=AND expr
    | expr op=OR expr
    | <assoc=right> expr op=IF expr ELSE expr
    | op=LAMBDA parameters? ':' expr
    ;

// `is not` before `is`: ANTLR resolves `a is not b` to the first that fits.
comparisonOp
    : '<' | '>' | '==' | '>=' | '<=' | '!='
    | IN | NOT IN | IS NOT | IS
    ;

// Assignment targets of `for` and `with ... as`: the postfix forms of expr
// without its operators, so the target stops before `in`.
primary : atom trailer* ;

trailer
    : '(' arguments? ')'
    | '[' subscripts ']'
    | '.' attributeName
    ;

// Effect keywords may name methods (dist.sample()), never variables.
attributeName : NAME | SAMPLE | PARAM | OBSERVE | PLATE ;

atom
    : '(' exprList? ')'
    | '[' listContents? ']'
    | '{' dictContents? '}'
    | NAME
    | INT
    | FLOAT
    | ( STRING | FSTRING )+
    | TRUE
    | FALSE
    | NONE
    | '...'
    | effect=( SAMPLE | PARAM | OBSERVE | PLATE ) '(' arguments? ')'
    ;

listContents : expr ( ( clauses+=comprehensionFor )+ | ( ',' expr )* ','? ) ;
dictContents : dictEntry ( ( clauses+=comprehensionFor )+ | ( ',' dictEntry )* ','? ) ;
dictEntry    : expr ':' expr ;

// `[x for x in a if c]`: the parser looks past `c` for an `else` before it
// takes `if c` as a filter rather than a conditional expression.
comprehensionFor : FOR targetList IN expr ( IF expr )* ;

arguments : argument ( ',' argument )* ','? ;
argument
    : NAME '=' expr
    | expr
    ;

subscripts : subscript ( ',' subscript )* ','? ;
// Left-factored so the parser never scans a whole index to find a ':'.
subscript
    : expr sliceSuffix?
    | sliceSuffix
    ;
sliceSuffix : ':' upper=expr? ( ':' step=expr? )? ;
