// Kiln's tokens. The grammar is target-independent: layout tokens (NEWLINE
// filtering, INDENT, DEDENT) and every lexical error are handled by the C++
// subclass in frontend/indenting_lexer.cpp, which sees each token below.
lexer grammar KilnLexer;

// Synthesized by IndentingLexer from each logical line's leading whitespace.
tokens { INDENT, DEDENT }

// ---------------------------------------------------------------- keywords
// Listed before NAME: when two rules match the same text, the first wins.

DEF      : 'def' ;
RETURN   : 'return' ;
IF       : 'if' ;
ELIF     : 'elif' ;
ELSE     : 'else' ;
FOR      : 'for' ;
IN       : 'in' ;
WHILE    : 'while' ;
BREAK    : 'break' ;
CONTINUE : 'continue' ;
PASS     : 'pass' ;
WITH     : 'with' ;
AS       : 'as' ;
ASSERT   : 'assert' ;
IMPORT   : 'import' ;
LAMBDA   : 'lambda' ;
AND      : 'and' ;
OR       : 'or' ;
NOT      : 'not' ;
IS       : 'is' ;
TRUE     : 'True' ;
FALSE    : 'False' ;
NONE     : 'None' ;

// The effect keywords: reserved so every effect site is known at compile time.
SAMPLE   : 'sample' ;
PARAM    : 'param' ;
OBSERVE  : 'observe' ;
PLATE    : 'plate' ;

// ---------------------------------------------------------------- literals
// A string token keeps its prefix and quotes; the AST builder decodes escapes
// and splits f-strings. A terminated string always out-matches the matching
// UNTERMINATED_* rule by its closing quote, so those only win on real errors.

FSTRING : ( [fF] [rR]? | [rR] [fF] ) STRING_BODY ;
STRING  : [rRuU]? STRING_BODY ;

UNTERMINATED_STRING
    : STRING_PREFIX? ( '\'' SINGLE_QUOTED_ITEM* | '"' DOUBLE_QUOTED_ITEM* )
    ;
UNTERMINATED_LONG_STRING
    : STRING_PREFIX? ( '\'\'\'' LONG_SINGLE_ITEM* | '"""' LONG_DOUBLE_ITEM* )
    ;

// Decimal, hex, octal and binary; '_' may separate digits. Leading zeros and
// overflow are diagnosed by the AST builder, which can say why.
INT
    : DIGITS
    | '0' [xX] ( '_'? HEX_DIGIT )+
    | '0' [oO] ( '_'? [0-7] )+
    | '0' [bB] ( '_'? [01] )+
    ;

FLOAT
    : DIGITS '.' DIGITS? EXPONENT?
    | '.' DIGITS EXPONENT?
    | DIGITS EXPONENT
    ;

// As Python: a letter or '_' (any script), then letters, digits, marks.
NAME : [\p{L}\p{Nl}_] [\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]* ;

// ---------------------------------------------------------------- operators
// On overlapping prefixes the longest match wins ('**=' over '**' over '*').

ELLIPSIS     : '...' ;
DOT          : '.' ;
LPAREN       : '(' ;
RPAREN       : ')' ;
LBRACK       : '[' ;
RBRACK       : ']' ;
LBRACE       : '{' ;
RBRACE       : '}' ;
COMMA        : ',' ;
COLON        : ':' ;
SEMI         : ';' ;

PLUS         : '+' ;
MINUS        : '-' ;
STAR         : '*' ;
SLASH        : '/' ;
DOUBLE_SLASH : '//' ;
PERCENT      : '%' ;
POWER        : '**' ;
AT           : '@' ;

LESS         : '<' ;
GREATER      : '>' ;
EQUAL        : '==' ;
NOT_EQUAL    : '!=' ;
LESS_EQUAL   : '<=' ;
GREATER_EQUAL: '>=' ;

ASSIGN              : '=' ;
PLUS_ASSIGN         : '+=' ;
MINUS_ASSIGN        : '-=' ;
STAR_ASSIGN         : '*=' ;
SLASH_ASSIGN        : '/=' ;
DOUBLE_SLASH_ASSIGN : '//=' ;
PERCENT_ASSIGN      : '%=' ;
POWER_ASSIGN        : '**=' ;
AT_ASSIGN           : '@=' ;

// ---------------------------------------------------------------- layout

// Every line break; IndentingLexer drops those inside brackets and on blank
// lines. A lone '\r' is not a line break (SourceFile counts '\n' only), so it
// falls to ERROR_CHAR and gets its own message.
NEWLINE : '\r'? '\n' ;

LINE_CONTINUATION : '\\' '\r'? '\n' -> skip ;
// U+FEFF: a byte-order mark at the start of the file.
WHITESPACE : [ \t\f\uFEFF]+ -> skip ;
COMMENT : '#' ~[\r\n]* -> skip ;

// Anything else is one bad character: IndentingLexer reports it, so lexing
// never fails inside ANTLR and never silently drops text.
ERROR_CHAR : . ;

// ---------------------------------------------------------------- fragments

fragment STRING_PREFIX : [rRuU] | [fF] [rR]? | [rR] [fF] ;

fragment STRING_BODY
    : '\'' SINGLE_QUOTED_ITEM* '\''
    | '"' DOUBLE_QUOTED_ITEM* '"'
    | '\'\'\'' LONG_SINGLE_ITEM*? '\'\'\''
    | '"""' LONG_DOUBLE_ITEM*? '"""'
    ;

fragment SINGLE_QUOTED_ITEM : ESCAPE | ~[\\\r\n'] ;
fragment DOUBLE_QUOTED_ITEM : ESCAPE | ~[\\\r\n"] ;
// Inside triple quotes, one or two quote characters are plain text; the
// lookahead character keeps an unterminated string from eating a closing '''.
fragment LONG_SINGLE_ITEM : ( '\'' | '\'\'' )? ( ESCAPE | ~[\\'] ) ;
fragment LONG_DOUBLE_ITEM : ( '"' | '""' )? ( ESCAPE | ~[\\"] ) ;
// A backslash takes the next character (or a CRLF pair) verbatim; meaning is
// assigned later.
fragment ESCAPE : '\\' ( '\r\n' | . ) ;

fragment DIGITS    : [0-9] ( '_'? [0-9] )* ;
fragment EXPONENT  : [eE] [+-]? DIGITS ;
fragment HEX_DIGIT : [0-9a-fA-F] ;
