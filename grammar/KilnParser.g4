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
expressionInput : testList EOF ;

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
    : testList ( augmentedAssignOp testList | ( '=' testList )* )
    ;

augmentedAssignOp
    : '+=' | '-=' | '*=' | '/=' | '//=' | '%=' | '**=' | '@='
    ;

returnStatement   : RETURN testList? ;
passStatement     : PASS ;
breakStatement    : BREAK ;
continueStatement : CONTINUE ;
assertStatement   : ASSERT test ( ',' test )? ;
importStatement   : IMPORT STRING ;

compoundStatement
    : ifStatement
    | whileStatement
    | forStatement
    | withStatement
    | defStatement
    ;

ifStatement    : IF test ':' block elifClause* elseClause? ;
elifClause     : ELIF test ':' block ;
elseClause     : ELSE ':' block ;
whileStatement : WHILE test ':' block ;
// `for i in plate("seq", T):` is an ordinary for over a plate expression.
forStatement   : FOR targetList IN testList ':' block ;
// `with plate("data", N) as idx:` is an ordinary with over a plate expression.
withStatement  : WITH test ( AS target )? ':' block ;
defStatement   : DEF NAME '(' parameters? ')' ':' block ;

parameters : parameter ( ',' parameter )* ','? ;
parameter  : NAME ( '=' test )? ;

// An indented suite, or simple statements on the header's line.
block
    : simpleStatements
    | NEWLINE INDENT statement+ DEDENT
    ;

// Loop and `as` targets stop before `in`, so they are postfix expressions
// rather than full expressions; the builder checks they are assignable.
targetList : target ( ',' target )* ','? ;
target     : primary ;

// ---------------------------------------------------------------- expressions

testList : test ( ',' test )* ','? ;

// Lowest precedence: lambda and the conditional expression.
test
    : expr ( IF expr ELSE test )?
    | lambdaExpr
    ;

lambdaExpr : LAMBDA parameters? ':' test ;

// Binary and unary operators, highest precedence first (ANTLR orders a
// left-recursive rule's alternatives that way). A prefix operator's operand
// binds everything above it, so -2**2 is -(2**2) and `not a == b` is
// not (a == b); '**' is right-associative and its right operand may be a
// unary minus: 2**-1.
expr
    : primary
    | <assoc=right> expr op='**' expr
    | op=( '-' | '+' ) expr
    | expr op=( '*' | '/' | '//' | '%' | '@' ) expr
    | expr op=( '+' | '-' ) expr
    | expr comparisonOp expr
    | op=NOT expr
    | expr op=AND expr
    | expr op=OR expr
    ;

comparisonOp
    : '<' | '>' | '==' | '>=' | '<=' | '!='
    | IN | NOT IN | IS | IS NOT
    ;

// Calls, subscripts and attributes loop here instead of recursing, so a long
// a.b.c... chain costs no parser stack.
primary : atom trailer* ;

trailer
    : '(' arguments? ')'
    | '[' subscripts ']'
    | '.' attributeName
    ;

// Effect keywords may name methods (dist.sample()), never variables.
attributeName : NAME | SAMPLE | PARAM | OBSERVE | PLATE ;

atom
    : '(' testList? ')'
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

listContents : test ( comprehensionFor+ | ( ',' test )* ','? ) ;
dictContents : dictEntry ( comprehensionFor+ | ( ',' dictEntry )* ','? ) ;
dictEntry    : test ':' test ;

// Iterables and conditions exclude the conditional expression, as in Python,
// so `[x for x in a if c]` needs no lookahead to find the filter.
comprehensionFor : FOR targetList IN expr ( IF expr )* ;

arguments : argument ( ',' argument )* ','? ;
argument
    : NAME '=' test
    | test
    ;

subscripts : subscript ( ',' subscript )* ','? ;
// Left-factored so the parser never scans a whole index to find a ':'.
subscript
    : test sliceSuffix?
    | sliceSuffix
    ;
sliceSuffix : ':' upper=test? ( ':' step=test? )? ;
