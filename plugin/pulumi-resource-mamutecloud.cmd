@echo off
rem The MamuteCloud provider plugin on Windows: see pulumi-resource-mamutecloud beside this file.
set "main=%~dp0..\dist\provider\plugin\main.js"
if not exist "%main%" for /f "delims=" %%m in ('node -p "require.resolve(\"pulumi-mamutecloud/plugin\", { paths: [process.cwd()] })"') do set "main=%%m"
node "%main%" %*
